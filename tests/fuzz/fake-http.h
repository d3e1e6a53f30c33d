#ifndef FAKE_HTTP_H
#define FAKE_HTTP_H
#include <stddef.h>
#include <stdint.h>

/* The answers the next requests get (borrowed until the next call). */
void fake_http_set(const uint8_t *data, size_t size);

/* One run of git-dbmig's calls on a backend URL, every answer faked. */
void fake_http_run(const char *url);
#endif
