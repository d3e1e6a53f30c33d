/*
 * libFuzzer target: what an rqlite server answers (/db/execute,
 * /db/query JSON, status codes, lost answers), through the real rqlite
 * backend and db/http.c; only the HTTP transport is fake
 * (fake-http.c).
 */
#include "fake-http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_http_set(data, size);
	fake_http_run("rqlite://127.0.0.1:4001/?leader_timeout=0");
	return 0;
}
