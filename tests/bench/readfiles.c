/*
 * readfiles.c: the floor of the revision-graph benchmark.
 *
 * Lists each folder named on the command line and, for every entry whose
 * name ends in ".sql", opens it, reads it to the end into one reused
 * buffer and closes it.  That is the least any tool must do to learn a
 * worktree's revision graph, so "make bench" divides git-dbmig's first
 * (cache-less) run by this program's time.  It parses nothing and does not
 * recurse.  It prints the number of files and bytes, so that the reads
 * cannot be optimized away and the caller can check it saw every file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *buf;
static size_t alloc;

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static long read_one(int dirfd, const char *name)
{
	size_t len = 0;
	int fd = openat(dirfd, name, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "readfiles: cannot open '%s': %s\n", name, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t got;

		if (len == alloc) {
			alloc = alloc ? 2 * alloc : 65536;
			buf = realloc(buf, alloc);
			if (!buf) {
				fprintf(stderr, "readfiles: out of memory\n");
				exit(1);
			}
		}
		got = read(fd, buf + len, alloc - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "readfiles: cannot read '%s': %s\n", name, strerror(errno));
			close(fd);
			return -1;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	close(fd);
	return (long)len;
}

int main(int argc, char **argv)
{
	long files = 0, bytes = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: readfiles DIR...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (!d) {
			fprintf(stderr, "readfiles: cannot open '%s': %s\n", argv[i], strerror(errno));
			return 1;
		}
		while ((de = readdir(d))) {
			long n;

			if (de->d_name[0] == '.' || !ends_with(de->d_name, ".sql"))
				continue;
			if ((n = read_one(dirfd(d), de->d_name)) < 0) {
				closedir(d);
				return 1;
			}
			files++;
			bytes += n;
		}
		closedir(d);
	}
	printf("%ld files, %ld bytes\n", files, bytes);
	free(buf);
	return 0;
}
