/* latents.bin on disk: shared by the reader (latents.c) and the writer
 * (encode.c). See latents.c for the layout. */
#ifndef ENGINE_WS_LATENTS_FILE_H
#define ENGINE_WS_LATENTS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/ws/latents.h"

#define LAT_MAGIC "SAFERLT1"
#define LAT_HEADER 128
#define LAT_BLOCK 512 /* rows per checksum block = rows per encode batch */
enum { LAT_PROMPT = 1 };

typedef struct lat_header {
	int k, m;
	uint32_t flags;
	size_t n_rows;
	char data_fp[17], sae_fp[17];
	uint64_t data_sum;
} lat_header;

void lat_header_fill(unsigned char *h, const lat_header *in);
int lat_header_parse(const unsigned char *h, size_t file_size, lat_header *out,
                     const char *path, sf_err *e);
uint64_t lat_data_sum(const uint32_t *idx, const float *val, size_t n_rows, int k);
/* 1 current (flags set), 0 stale or missing (why in e), -1 damaged. */
int lat_current_flags(struct ws *w, uint32_t *flags, sf_err *e);

#endif
