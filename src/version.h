#ifndef VERSION_H
#define VERSION_H
/* The tool's version, reported by --version and written to dbmig_log. */
#define DBMIG_VERSION "0.1.0"
#endif
