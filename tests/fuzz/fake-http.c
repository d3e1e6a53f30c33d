/*
 * A stand-in for http_post() (db/http.c, built with
 * -Dhttp_post=http_post_real) for the fuzz targets of what servers
 * answer: each request of the run gets the next answer of the fuzz
 * input. Answers are separated by a NUL byte; the first byte of each
 * says what happened (below), the rest is the body. When the answers
 * run out, the server "cannot be reached".
 */
#include "db/http.h"
#include "fake-http.h"

#include <string.h>

static const uint8_t *answers, *answers_end;

void fake_http_set(const uint8_t *data, size_t size)
{
	answers = data;
	answers_end = data + size;
}

int http_post(struct http_client *c, const char *path, json_t *body,
	      long *status, json_t **out, struct strbuf *raw,
	      struct strbuf *err)
{
	const uint8_t *end;
	json_error_t jerr;
	uint8_t how;

	(void)path;
	(void)body;
	*status = 0;
	*out = NULL;
	strbuf_reset(raw);
	c->timed_out = 0;
	c->requests++;
	if (answers >= answers_end) {
		strbuf_addstr(err, "cannot connect (no more answers)");
		return HTTP_ERR_CONNECT;
	}
	end = memchr(answers, '\0', (size_t)(answers_end - answers));
	if (!end)
		end = answers_end;
	how = *answers;
	strbuf_add(raw, answers + 1, (size_t)(end - answers - (end > answers ? 1 : 0)));
	answers = end < answers_end ? end + 1 : end;
	if (how >= 250) {
		c->timed_out = how == 255;
		strbuf_addstr(err, "no answer (the request may or may not have taken effect)");
		return HTTP_ERR_UNKNOWN;
	}
	if (how >= 245) {
		strbuf_addstr(err, "cannot connect");
		return HTTP_ERR_CONNECT;
	}
	*status = how < 200 ? 200 : how < 215 ? 500 : how < 230 ? 503 : how < 240 ? 401 : 404;
	*out = json_loadb(raw->buf, raw->len, 0, &jerr);
	return HTTP_OK;
}
