/* libFuzzer target: the alembic.ini reader and its interpolation. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct config *cfg = NULL;

	if (!config_parse(&cfg, "/tmp/fuzz/alembic.ini", (const char *)data, size, &err)) {
		const char *const *sections, *const *keys;
		size_t ns = config_sections(cfg, &sections), i, j;

		for (i = 0; i < ns; i++) {
			size_t nk = config_keys(cfg, sections[i], &keys);

			for (j = 0; j < nk; j++) {
				const char *v;

				strbuf_reset(&err);
				config_get(cfg, sections[i], keys[j], &v, &err);
			}
		}
		config_free(cfg);
	}
	strbuf_release(&err);
	return 0;
}
