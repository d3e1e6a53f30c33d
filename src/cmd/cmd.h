#ifndef CMD_H
#define CMD_H
/*
 * The commands. Each takes its own arguments (argv[0] is the command
 * name), the global options, and a strbuf for the one FAILED: reason; it
 * returns 0 or -1 and prints only its own output.
 */
#include "project.h"
#include "strbuf.h"

struct cmd_ctx {
	struct options *opts;
};

int cmd_init(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_revision(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_merge(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_upgrade(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_downgrade(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_stamp(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_current(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_heads(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_branches(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_history(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_show(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_convert(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_squash(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_check(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_hook(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_refs(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_graph(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_edit(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_ensure_version(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_status(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_verify(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);
int cmd_doctor(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err);

/*
 * Option matching shared by the commands: accepts "-s VALUE",
 * "--long VALUE" and "--long=VALUE". Returns 1 and sets *value (and
 * advances *i) on a match, 0 otherwise, -1 with a message when the value
 * is missing.
 */
int opt_value(int argc, const char **argv, int *i, const char *shrt,
	      const char *lng, const char **value, struct strbuf *err);
int opt_flag(const char *arg, const char *shrt, const char *lng);
/* "unknown option" / "unexpected argument" message; always -1. */
int opt_unknown(const char *cmd, const char *arg, struct strbuf *err);

/*
 * Read p's database (version rows, dbmig_log) and work out its status
 * (status.h) for the given labels (NULL: all); a SQLite file not made
 * yet has nothing applied. *display gets the URL as shown, password
 * masked; all of it belongs to the caller.
 */
struct status;
struct status_log;
int cmd_status_load(struct status *st, struct status_log *log, char **display,
		    struct project *p, char *const *labels, size_t nlabels,
		    struct strbuf *err);

/*
 * For the commands that rewrite revision files (squash, convert): the
 * path of file relative to repo's work tree (NULL when outside it; free
 * it), and writing a file through a temporary one renamed over it
 * (mode 0: as the umask leaves a new file; else exactly that mode).
 */
#include <sys/types.h>
struct git_repository;
char *cmd_repo_path(struct git_repository *repo, const char *file);
int cmd_write_file(const char *path, const char *text, size_t len,
		   mode_t mode, struct strbuf *err);

/* Open the project and load the graph (the common start). */
int cmd_setup(struct cmd_ctx *ctx, struct project **out, struct strbuf *err);

#endif
