#ifndef CFUSE_H
#define CFUSE_H

/* A thin shim over the libfuse3 low-level API: every kernel request is forwarded, with plain arguments,
   to a table of handlers supplied by Swift, which replies later (from any thread) with fuse_reply_*. */

#include "../../CLibFuse/shim.h"
#include <malloc.h> /* mallopt: the session keeps read-reply buffers in the heap (see FUSESession) */
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#pragma clang assume_nonnull begin

/* The Swift side of a session. Each handler receives the context pointer given to cfuse_session_new.
   Strings and buffers are only valid during the call. `has_handle` is 0 when the kernel sent no open
   file (then `handle` is 0). Every handler except `init`, `forget` and `interrupted` owns the request
   and must reply to it exactly once. */
typedef struct cfuse_handlers {
    void (*init)(void *context, struct fuse_conn_info *conn);
    void (*interrupted)(void *context, fuse_req_t req);
    /* Batched forgets arrive here one inode at a time; the shim replies. */
    void (*forget)(void *context, fuse_ino_t ino, uint64_t nlookup);

    void (*lookup)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name);
    void (*getattr)(void *context, fuse_req_t req, fuse_ino_t ino, int has_handle, uint64_t handle);
    void (*setattr)(void *context, fuse_req_t req, fuse_ino_t ino, const struct stat *attr, int to_set,
                    int has_handle, uint64_t handle);
    void (*readlink)(void *context, fuse_req_t req, fuse_ino_t ino);
    void (*mknod)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
    void (*mkdir)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
    void (*unlink)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name);
    void (*rmdir)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name);
    void (*symlink)(void *context, fuse_req_t req, const char *target, fuse_ino_t parent, const char *name);
    void (*rename)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                   const char *newname, unsigned int flags);
    void (*link)(void *context, fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
    void (*open)(void *context, fuse_req_t req, fuse_ino_t ino, int flags);
    void (*create)(void *context, fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, int flags);
    void (*read)(void *context, fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, uint64_t handle);
    void (*write)(void *context, fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                  uint64_t handle);
    void (*flush)(void *context, fuse_req_t req, fuse_ino_t ino, uint64_t handle, uint64_t lock_owner);
    void (*release)(void *context, fuse_req_t req, fuse_ino_t ino, uint64_t handle, int flags);
    void (*fsync)(void *context, fuse_req_t req, fuse_ino_t ino, int datasync, uint64_t handle);
    void (*opendir)(void *context, fuse_req_t req, fuse_ino_t ino, int flags);
    /* `plus` is 1 for readdirplus. */
    void (*readdir)(void *context, fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, uint64_t handle,
                    int plus);
    void (*releasedir)(void *context, fuse_req_t req, fuse_ino_t ino, uint64_t handle);
    void (*fsyncdir)(void *context, fuse_req_t req, fuse_ino_t ino, int datasync, uint64_t handle);
    void (*statfs)(void *context, fuse_req_t req, fuse_ino_t ino);
    void (*setxattr)(void *context, fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                     size_t size, int flags);
    void (*getxattr)(void *context, fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
    void (*listxattr)(void *context, fuse_req_t req, fuse_ino_t ino, size_t size);
    void (*removexattr)(void *context, fuse_req_t req, fuse_ino_t ino, const char *name);
} cfuse_handlers;

/* A libfuse session bound to a handler table. */
typedef struct cfuse_session cfuse_session;

/* Creates a session from fuse-style arguments (argv[0] is a program name, then "-o" lists).
   Copies `handlers`. Returns NULL (libfuse has printed why) on bad options. */
cfuse_session *_Nullable cfuse_session_new(int argc, const char *_Nonnull const *_Nonnull argv,
                                           const cfuse_handlers *handlers, void *context);

/* Mounts at `mountpoint`; 0 on success, -1 on failure (libfuse has printed why). */
int cfuse_session_mount(cfuse_session *session, const char *mountpoint);

/* Serves requests on the calling thread until the filesystem is unmounted or the device fails.
   Returns 0 after an unmount, else a negated errno. */
int cfuse_session_loop(cfuse_session *session);

/* Closes the device and unmounts (if still mounted); then frees everything. Only after the loop
   returned and every request has been replied to. */
void cfuse_session_destroy(cfuse_session *session);

/* Tells the kernel to drop cached attributes and data of `ino` (0 on success or a negated errno). */
int cfuse_notify_inval_inode(cfuse_session *session, fuse_ino_t ino);

/* Tells the kernel to drop cached attributes of `ino` but keep its pages (0 or a negated errno). */
int cfuse_notify_inval_attributes(cfuse_session *session, fuse_ino_t ino);

/* Tells the kernel to drop the cached dentry `name` in `parent` (0 on success or a negated errno). */
int cfuse_notify_inval_entry(cfuse_session *session, fuse_ino_t parent, const char *name);

/* Calls the session's `interrupted` handler when the kernel interrupts `req` (at once if it already has). */
void cfuse_watch_interrupt(fuse_req_t req);

/* Replies to open/opendir with a handle and the kernel caching flags (`cache_readdir` for opendir only). */
int cfuse_reply_open(fuse_req_t req, uint64_t handle, int keep_cache, int direct_io, int nonseekable,
                     int cache_readdir);

/* Replies to create with the new entry and its open handle. */
int cfuse_reply_create(fuse_req_t req, const struct fuse_entry_param *entry, uint64_t handle, int keep_cache,
                       int direct_io, int nonseekable);

/* Replies to a read with `sizes[i]` bytes of each open file `fds[i]` from `offsets[i]`, in order. When the
   session negotiated FUSE_CAP_SPLICE_WRITE (and the reply fits libfuse's pipe) the bytes are spliced from the
   files' page cache into /dev/fuse without passing through user memory; otherwise libfuse reads them into a
   buffer first. The descriptors may be closed on return. */
int cfuse_reply_file_ranges(fuse_req_t req, const int *fds, const off_t *offsets, const size_t *sizes, size_t count);

/* Signals that should unmount are turned into bytes (the signal number) written to `write_fd`, a pipe a
   Swift thread reads: a signal handler may do little more than write(2). Process-wide, like signal
   dispositions themselves: the last call wins. Returns 0, or -1 with errno set. */
int cfuse_forward_signals(const int *signals, int count, int write_fd);

/* Restores the default action of `signals` and stops forwarding. */
void cfuse_restore_signals(const int *signals, int count);

#pragma clang assume_nonnull end

#endif
