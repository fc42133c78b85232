/* config.h for calsync's vendored copy of libical 3.0.16's recurrence code (Linux, glibc). */
#ifndef CALSYNC_LIBICAL_CONFIG_H
#define CALSYNC_LIBICAL_CONFIG_H
/* HAVE_LIBICU deliberately undefined: Gregorian arithmetic without ICU. */
#define HAVE_PTHREAD 1
#define HAVE_PTHREAD_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_STRCASECMP 1
#define HAVE_STRNCASECMP 1
#define HAVE_SNPRINTF 1
#define HAVE_STRDUP 1
#define HAVE_GMTIME_R 1
#define HAVE_LOCALTIME_R 1
#define HAVE_UNISTD_H 1
#define SIZEOF_TIME_T 8
#define ICAL_ERRORS_ARE_FATAL 0
#define ICAL_ALLOW_EMPTY_PROPERTIES 0
#define ICAL_NO_INTERNAL_DEBUG 1
#define PACKAGE_NAME "libical"
#define PACKAGE_VERSION "3.0.16"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <time.h>
#include <sys/types.h>
#include <sys/param.h>
#if !defined(MIN)
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#if !defined(_unused)
#define _unused(x) (void)x
#endif
#endif
