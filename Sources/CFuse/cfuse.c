#include "cfuse.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cfuse_session {
    struct fuse_session *se;
    cfuse_handlers handlers;
    void *context;
};

static cfuse_session *session_of(fuse_req_t req) { return fuse_req_userdata(req); }

#define FORWARD(op, ...)                                        \
    do {                                                        \
        cfuse_session *s = session_of(req);                     \
        s->handlers.op(s->context, req, __VA_ARGS__);           \
    } while (0)

#define HANDLE(fi) ((fi) != NULL), ((fi) != NULL ? (fi)->fh : 0)

static void op_init(void *userdata, struct fuse_conn_info *conn) {
    cfuse_session *s = userdata;
    s->handlers.init(s->context, conn);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) { FORWARD(lookup, parent, name); }

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    cfuse_session *s = session_of(req);
    s->handlers.forget(s->context, ino, nlookup);
    fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
    cfuse_session *s = session_of(req);
    for (size_t i = 0; i < count; i++)
        s->handlers.forget(s->context, forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) { FORWARD(getattr, ino, HANDLE(fi)); }

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
    FORWARD(setattr, ino, attr, to_set, HANDLE(fi));
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino) { FORWARD(readlink, ino); }

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
    FORWARD(mknod, parent, name, mode, rdev);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) { FORWARD(mkdir, parent, name, mode); }

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) { FORWARD(unlink, parent, name); }

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) { FORWARD(rmdir, parent, name); }

static void op_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name) {
    FORWARD(symlink, target, parent, name);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
                      unsigned int flags) {
    FORWARD(rename, parent, name, newparent, newname, flags);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname) {
    FORWARD(link, ino, newparent, newname);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) { FORWARD(open, ino, fi->flags); }

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
    FORWARD(create, parent, name, mode, fi->flags);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    FORWARD(read, ino, size, off, fi->fh);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    FORWARD(write, ino, buf, size, off, fi->fh);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    FORWARD(flush, ino, fi->fh, fi->lock_owner);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    FORWARD(release, ino, fi->fh, fi->flags);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    FORWARD(fsync, ino, datasync, fi->fh);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) { FORWARD(opendir, ino, fi->flags); }

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    FORWARD(readdir, ino, size, off, fi->fh, 0);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    FORWARD(readdir, ino, size, off, fi->fh, 1);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) { FORWARD(releasedir, ino, fi->fh); }

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    FORWARD(fsyncdir, ino, datasync, fi->fh);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) { FORWARD(statfs, ino); }

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags) {
    FORWARD(setxattr, ino, name, value, size, flags);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) { FORWARD(getxattr, ino, name, size); }

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) { FORWARD(listxattr, ino, size); }

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name) { FORWARD(removexattr, ino, name); }

/* No `access` (the mount uses default_permissions) and no locking ops (the kernel handles locks locally). */
static const struct fuse_lowlevel_ops operations = {
    .init = op_init,
    .lookup = op_lookup,
    .forget = op_forget,
    .forget_multi = op_forget_multi,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .readlink = op_readlink,
    .mknod = op_mknod,
    .mkdir = op_mkdir,
    .unlink = op_unlink,
    .rmdir = op_rmdir,
    .symlink = op_symlink,
    .rename = op_rename,
    .link = op_link,
    .open = op_open,
    .create = op_create,
    .read = op_read,
    .write = op_write,
    .flush = op_flush,
    .release = op_release,
    .fsync = op_fsync,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .readdirplus = op_readdirplus,
    .releasedir = op_releasedir,
    .fsyncdir = op_fsyncdir,
    .statfs = op_statfs,
    .setxattr = op_setxattr,
    .getxattr = op_getxattr,
    .listxattr = op_listxattr,
    .removexattr = op_removexattr,
};

cfuse_session *cfuse_session_new(int argc, const char *const *argv, const cfuse_handlers *handlers, void *context) {
    cfuse_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->handlers = *handlers;
    s->context = context;
    /* fuse_opt_parse rewrites argv in place, so hand it a copy. */
    char **copy = calloc((size_t)argc + 1, sizeof(char *));
    if (copy == NULL) {
        free(s);
        return NULL;
    }
    for (int i = 0; i < argc; i++)
        copy[i] = (char *)argv[i];
    struct fuse_args args = FUSE_ARGS_INIT(argc, copy);
    s->se = fuse_session_new(&args, &operations, sizeof operations, s);
    fuse_opt_free_args(&args);
    free(copy);
    if (s->se == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

int cfuse_session_mount(cfuse_session *session, const char *mountpoint) {
    return fuse_session_mount(session->se, mountpoint);
}

int cfuse_session_loop(cfuse_session *session) { return fuse_session_loop(session->se); }

void cfuse_session_destroy(cfuse_session *session) {
    fuse_session_unmount(session->se);
    fuse_session_destroy(session->se);
    free(session);
}

int cfuse_notify_inval_inode(cfuse_session *session, fuse_ino_t ino) {
    return fuse_lowlevel_notify_inval_inode(session->se, ino, 0, 0);
}

int cfuse_notify_inval_attributes(cfuse_session *session, fuse_ino_t ino) {
    /* A negative offset drops the attributes (and cached ACLs) but keeps the pages. */
    return fuse_lowlevel_notify_inval_inode(session->se, ino, -1, 0);
}

int cfuse_notify_inval_entry(cfuse_session *session, fuse_ino_t parent, const char *name) {
    return fuse_lowlevel_notify_inval_entry(session->se, parent, name, strlen(name));
}

static void on_interrupt(fuse_req_t req, void *data) {
    cfuse_session *s = data;
    s->handlers.interrupted(s->context, req);
}

void cfuse_watch_interrupt(fuse_req_t req) { fuse_req_interrupt_func(req, on_interrupt, session_of(req)); }

static struct fuse_file_info open_info(uint64_t handle, int keep_cache, int direct_io, int nonseekable) {
    struct fuse_file_info fi;
    memset(&fi, 0, sizeof fi);
    fi.fh = handle;
    fi.keep_cache = keep_cache != 0;
    fi.direct_io = direct_io != 0;
    fi.nonseekable = nonseekable != 0;
    return fi;
}

int cfuse_reply_open(fuse_req_t req, uint64_t handle, int keep_cache, int direct_io, int nonseekable,
                     int cache_readdir) {
    struct fuse_file_info fi = open_info(handle, keep_cache, direct_io, nonseekable);
    fi.cache_readdir = cache_readdir != 0;
    return fuse_reply_open(req, &fi);
}

int cfuse_reply_create(fuse_req_t req, const struct fuse_entry_param *entry, uint64_t handle, int keep_cache,
                       int direct_io, int nonseekable) {
    struct fuse_file_info fi = open_info(handle, keep_cache, direct_io, nonseekable);
    return fuse_reply_create(req, entry, &fi);
}

/* The one piece of global state: a signal handler has no context pointer. */
static volatile sig_atomic_t signal_pipe = -1;

static void forward_signal(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    if (signal_pipe >= 0) {
        /* A short write means the pipe is full of unmount requests already: nothing more to do. */
        ssize_t written = write(signal_pipe, &byte, 1);
        (void)written;
    }
    errno = saved;
}

int cfuse_forward_signals(const int *signals, int count, int write_fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    signal_pipe = write_fd;
    for (int i = 0; i < count; i++)
        if (sigaction(signals[i], &action, NULL) != 0)
            return -1;
    return 0;
}

void cfuse_restore_signals(const int *signals, int count) {
    for (int i = 0; i < count; i++)
        signal(signals[i], SIG_DFL);
    signal_pipe = -1;
}

int cfuse_reply_file_ranges(fuse_req_t req, const int *fds, const off_t *offsets, const size_t *sizes, size_t count) {
    if (count == 0)
        return fuse_reply_buf(req, NULL, 0);
    struct fuse_bufvec *buffers = calloc(1, sizeof(struct fuse_bufvec) + (count - 1) * sizeof(struct fuse_buf));
    if (buffers == NULL)
        return fuse_reply_err(req, ENOMEM);
    buffers->count = count;
    for (size_t i = 0; i < count; i++) {
        buffers->buf[i].size = sizes[i];
        buffers->buf[i].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY;
        buffers->buf[i].fd = fds[i];
        buffers->buf[i].pos = offsets[i];
    }
    /* No FUSE_BUF_SPLICE_MOVE: the pages belong to the block cache's files and must stay there. */
    int result = fuse_reply_data(req, buffers, 0);
    free(buffers);
    return result;
}
