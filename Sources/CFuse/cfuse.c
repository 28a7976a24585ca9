#include "cfuse.h"
int cfuse_placeholder(void) { return FUSE_USE_VERSION; }
