// Linux interfaces that the Swift Glibc module does not export. DNANetwork's
// event loop is built on epoll and eventfd; accept4 and pthread_setname_np
// are GNU extensions, declared here because Glibc is compiled without
// _GNU_SOURCE.
#ifndef CDNANETWORK_SHIM_H
#define CDNANETWORK_SHIM_H

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

#endif
