/*
 * libFuzzer target: what a libSQL server (sqld) answers to Hrana
 * pipeline requests, through the real libSQL backend and db/http.c;
 * only the HTTP transport is fake (fake-http.c).
 */
#include "fake-http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fake_http_set(data, size);
	fake_http_run("sqlite+libsql://127.0.0.1:8080/");
	return 0;
}
