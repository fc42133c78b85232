/* calsync's addition to the vendored libical recurrence code (README.md); MPL-2.0. */
#include "calsync_recur.h"

static void replace(short *list, short value)
{
    if (list[0] != ICAL_RECURRENCE_ARRAY_MAX) {
        list[0] = value;
        list[1] = ICAL_RECURRENCE_ARRAY_MAX;
    }
}

int calsync_recurrence_is_iterable(struct icalrecurrencetype rule, struct icaltimetype dtstart)
{
    icalrecur_iterator *iterator;

    replace(rule.by_second, 0);
    replace(rule.by_minute, 0);
    replace(rule.by_hour, 0);
    replace(rule.by_day, ICAL_MONDAY_WEEKDAY);
    replace(rule.by_month_day, 1);
    replace(rule.by_year_day, 1);
    replace(rule.by_week_no, 1);
    replace(rule.by_month, 1);
    replace(rule.by_set_pos, 1);
    rule.count = 0;
    rule.until = icaltime_null_time();
    iterator = icalrecur_iterator_new(rule, dtstart);
    if (iterator == NULL)
        return 0;
    icalrecur_iterator_free(iterator);
    return 1;
}
