// Java's Float.toString / Double.toString text for FLOAT and DOUBLE values,
// as canal renders them (String.valueOf): shortest digits that round-trip,
// plain notation for 1e-3 <= |v| < 1e7 ("1.5", "100.0"), otherwise
// computerized scientific notation ("1.0E10", "-3.4E38", "1.0E-5").
#pragma once

#include <string>

namespace sluice::codec {

void append_java_float(float v, std::string& out);
void append_java_double(double v, std::string& out);

}  // namespace sluice::codec
