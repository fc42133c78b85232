/* The part of libical's icaltimezone.h that icaltime.c and icalrecur.c use, for
 * calsync's vendored recurrence code (see README.md): only UTC exists. */
#ifndef ICALTIMEZONE_H
#define ICALTIMEZONE_H

#include "libical_ical_export.h"
#include "icaltime.h"

LIBICAL_ICAL_EXPORT icaltimezone *icaltimezone_get_utc_timezone(void);

LIBICAL_ICAL_EXPORT const char *icaltimezone_get_tzid(icaltimezone *zone);

LIBICAL_ICAL_EXPORT void icaltimezone_convert_time(struct icaltimetype *tt,
                                                   icaltimezone *from_zone,
                                                   icaltimezone *to_zone);

#endif /* ICALTIMEZONE_H */
