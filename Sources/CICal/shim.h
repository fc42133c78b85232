// libical (RFC 5545): recurrence iteration and built-in time zones.
#ifndef CICAL_SHIM_H
#define CICAL_SHIM_H

#include <libical/ical.h>

#endif
