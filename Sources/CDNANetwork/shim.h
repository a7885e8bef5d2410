// Linux interfaces that the Swift Glibc module does not export. DNANetwork's
// event loop is built on epoll and eventfd; accept4 and pthread_setname_np
// are GNU extensions, declared here with plain C types because Glibc is
// compiled without _GNU_SOURCE (and including <sys/socket.h> here would move
// socket declarations out of the Glibc module).
#ifndef CDNANETWORK_SHIM_H
#define CDNANETWORK_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>

extern int accept4(int fd, void *address, unsigned int *length, int flags);
extern int pthread_setname_np(unsigned long thread, const char *name);

#endif
