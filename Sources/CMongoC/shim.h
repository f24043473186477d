// The whole C surface Preflight uses: libmongoc, which includes libbson.
#include <mongoc/mongoc.h>

// bson_iter_t is declared 128-byte aligned, so Swift imports it as an opaque pointer and
// can neither size nor allocate one, nor read its fields. A system-library target cannot
// hold .c files, hence static inline.

/// The size of a bson_iter_t, for heap storage aligned to 128 bytes.
static inline size_t cmongoc_bson_iter_size(void) { return sizeof(bson_iter_t); }

/// Where iteration stopped on corrupt data; 0 when the document was read to its end.
static inline uint32_t cmongoc_bson_iter_err_off(const bson_iter_t *iter) { return iter->err_off; }

/// The size of a bson_t (128 bytes, also 128-byte aligned), for the "uninitialized
/// bson_t" reply arguments libmongoc fills in: Swift cannot allocate one on the stack.
static inline size_t cmongoc_bson_size(void) { return sizeof(bson_t); }
