#ifndef CFUSE_H
#define CFUSE_H
#include "../../CLibFuse/shim.h"
#endif
