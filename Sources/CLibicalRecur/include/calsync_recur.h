/* calsync's addition to the vendored libical recurrence code (README.md). */
#ifndef CALSYNC_RECUR_H
#define CALSYNC_RECUR_H

#include <stddef.h> /* icalarray.h, included by icalrecur.h, uses size_t */

#include "icalrecur.h"

/** Whether libical accepts iterating `rule` from `dtstart` at all: its parts are legal for
 * its frequency, its RSCALE is supported and DTSTART is a date it can represent. Tells
 * these refusals apart from a rule that is legal but never matches (February 30), for which
 * icalrecur_iterator_new also returns NULL. Each present BYxxx list is replaced by one
 * value that always matches something, which leaves only the checks above to fail. */
int calsync_recurrence_is_iterable(struct icalrecurrencetype rule, struct icaltimetype dtstart);

#endif
