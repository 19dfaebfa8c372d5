/* version.h - strata's version, shown by `strata --version`. */
#ifndef STRATA_VERSION_H
#define STRATA_VERSION_H

#define ST_VERSION "0.1.0"

#endif
