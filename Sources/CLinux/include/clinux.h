#ifndef CLINUX_H
#define CLINUX_H

#include <stdint.h>

/// Linux calls that Swift's Glibc module leaves out (they need _GNU_SOURCE).

/// Starts writeback of the dirty pages of `count` bytes of `fd` from `offset` (0 = to the end) without waiting
/// for it: sync_file_range(SYNC_FILE_RANGE_WRITE). Returns 0, or -1 with errno set.
int clinux_start_writeback(int fd, int64_t offset, int64_t count);

#endif
