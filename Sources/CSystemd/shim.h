// libsystemd: sd_notify and sd_journal_sendv import as they are (not variadic);
// sd_watchdog_enabled tells the watchdog period. Nothing variadic is used.
#ifndef CSYSTEMD_SHIM_H
#define CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

#endif
