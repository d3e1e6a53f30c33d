#ifndef CONFIG_H
#define CONFIG_H
/*
 * config: reads an alembic.ini with Python ConfigParser's rules
 * (sections, "key = value" or "key: value", "#"/";" comment lines,
 * indented continuation lines, case-insensitive keys, a DEFAULT section,
 * and BasicInterpolation: %(name)s from the same section, DEFAULT or the
 * built-in "here" = the folder of the file, and %% for a literal %).
 * The config owns every string it returns.
 */
#include "strbuf.h"

struct config;

/*
 * Parse an ini held in buf. "path" names the file in messages and sets
 * %(here)s to its folder (made absolute). On error returns -1, puts
 * "<path>:<line>: <what>" into err and sets *out to NULL.
 */
int config_parse(struct config **out, const char *path, const char *buf,
		 size_t len, struct strbuf *err);
/* Read and parse the file at path. */
int config_load(struct config **out, const char *path, struct strbuf *err);
void config_free(struct config *cfg);

/*
 * Python's os.path.abspath(path): joined to the current folder, with
 * ".", ".." and repeated slashes folded. *out belongs to the caller.
 */
int config_abspath(char **out, const char *path, struct strbuf *err);

/* Absolute path of the file and of its folder (%(here)s). */
const char *config_path(const struct config *cfg);
const char *config_here(const struct config *cfg);

/* 1 if the section exists. */
int config_has_section(const struct config *cfg, const char *section);

/*
 * Look up key in section (falling back to DEFAULT) and interpolate it.
 * Returns 0 and sets *out (owned by cfg, valid until config_free), 1 and
 * *out = NULL if the key is absent, -1 with a message in err on a bad
 * interpolation (unknown name, missing ")s", recursion deeper than 10).
 */
int config_get(const struct config *cfg, const char *section, const char *key,
	       const char **out, struct strbuf *err);

/*
 * Names of the sections, in file order, DEFAULT excluded. *out is an
 * array owned by cfg.
 */
size_t config_sections(const struct config *cfg, const char *const **out);

/* Keys of a section in file order (lowercased), owned by cfg. */
size_t config_keys(const struct config *cfg, const char *section,
		   const char *const **out);

#endif
