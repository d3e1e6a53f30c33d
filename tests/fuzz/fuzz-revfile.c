/* libFuzzer target: the revision file parser, as .sql and as .py. */
#include "revfile.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct revfile *rf = NULL;

	if (!revfile_parse(&rf, "f.sql", (const char *)data, size, &err))
		revfile_free(rf);
	strbuf_reset(&err);
	rf = NULL;
	if (!revfile_parse(&rf, "f.py", (const char *)data, size, &err))
		revfile_free(rf);
	strbuf_release(&err);
	return 0;
}
