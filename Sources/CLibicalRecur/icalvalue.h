/* The part of libical's icalvalue.h that icalrecur.c uses, for calsync's vendored
 * recurrence code (see README.md). */
#ifndef ICALVALUE_H
#define ICALVALUE_H

#include "libical_ical_export.h"
#include "icaltime.h"

LIBICAL_ICAL_EXPORT void print_date_to_string(char *str, const struct icaltimetype *data);

LIBICAL_ICAL_EXPORT void print_datetime_to_string(char *str, const struct icaltimetype *data);

#endif /* ICALVALUE_H */
