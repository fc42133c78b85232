// libical 3.0.16's recurrence iterator, built into calsync without ICU (README.md beside
// the sources): rule parsing, iteration, the time type and its error flags.
#ifndef CLIBICALRECUR_H
#define CLIBICALRECUR_H

#include "icalerror.h"
#include "icaltime.h"
#include "icalrecur.h"
#include "calsync_recur.h"

#endif
