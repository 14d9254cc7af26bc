/* The AWS Price List CSV push parser (EC2 and data transfer), fed in two pieces. */
#include "fuzz.h"
#include "fetch.h"
#include "fuzz-sink.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/aws/offers/v1.0/aws/*/*/*/index.csv", "fuzz/corpus/fuzz-aws-csv/*", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = { "us-east-1", "eu-west-1" };
	struct fetch_config config = { .regions = regions, .nregions = 2, .observed = "2025-11-27" };
	struct fetch_stats stats = { 0 };
	struct aws_catalog *catalog = aws_catalog_new();
	enum aws_offer_kind kind = size > 0 && (data[0] & 1) ? AWS_OFFER_DATA_TRANSFER
							      : AWS_OFFER_EC2;
	struct aws_csv *csv = aws_csv_new(kind, &config, "fuzz.csv", &fuzz_sink, &stats, catalog);
	/* A stream boundary anywhere: where depends on the input. */
	size_t cut = size > 1 ? data[size / 2] % size : size;

	if (aws_csv_push(csv, (const char *)data, cut) == 0 &&
	    aws_csv_push(csv, (const char *)data + cut, size - cut) == 0)
		aws_csv_finish(csv);
	aws_csv_free(csv);
	aws_catalog_free(catalog);
	error_clear();
	return 0;
}
