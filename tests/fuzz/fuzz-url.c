/* libFuzzer target: the database URL parser and the password masking. */
#include "url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct url *u = NULL;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!url_parse(&u, text, &err)) {
		url_display(&out, u);
		if (u->password) {
			/* the display must not depend on the password at all */
			struct strbuf other = STRBUF_INIT;
			char *saved = u->password;

			u->password = (char *)"different";
			url_display(&other, u);
			u->password = saved;
			if (strcmp(other.buf, out.buf))
				abort();
			strbuf_release(&other);
		}
		url_free(u);
	}
	strbuf_reset(&out);
	url_redact(&out, text);
	strbuf_release(&out);
	strbuf_release(&err);
	free(text);
	return 0;
}
