// JSON string escaping as canal's fastjson writes it: quotes, backslash and
// control characters escaped; everything else, non-ASCII included, as is.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"

namespace sluice::codec {

// Appends `"` + escaped `utf8` + `"`.
void append_json_string(std::string_view utf8, std::string& out);

// Appends UTF-8 bytes escaped (no quotes), each invalid byte as U+FFFD, in one
// pass: the fast path for text columns.
void append_json_escaped_utf8(Bytes bytes, std::string& out);

// Appends bytes as the code points of the same value (canal's ISO-8859-1
// reading of binary data), escaped, no quotes.
void append_json_escaped_latin1(Bytes bytes, std::string& out);

}  // namespace sluice::codec
