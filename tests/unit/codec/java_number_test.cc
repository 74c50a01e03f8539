// Java Float.toString / Double.toString layouts canal produces.
#include "codec/java_number.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>

namespace sluice::codec {
namespace {

std::string f(float v) {
  std::string s;
  append_java_float(v, s);
  return s;
}
std::string d(double v) {
  std::string s;
  append_java_double(v, s);
  return s;
}

TEST_CASE("Java float text", "[java]") {
  CHECK(f(1.5f) == "1.5");
  CHECK(f(-3.4e38f) == "-3.4E38");
  CHECK(f(100.0f) == "100.0");
  CHECK(f(0.0f) == "0.0");
  CHECK(f(-0.0f) == "-0.0");
  CHECK(f(1.1f) == "1.1");
  CHECK(f(1.0e7f) == "1.0E7");
  CHECK(f(9999999.0f) == "9999999.0");
  CHECK(f(0.001f) == "0.001");
  CHECK(f(0.0001f) == "1.0E-4");
  CHECK(f(std::numeric_limits<float>::quiet_NaN()) == "NaN");
  CHECK(f(-std::numeric_limits<float>::infinity()) == "-Infinity");
  CHECK(f(std::numeric_limits<float>::denorm_min()) == "1.4E-45");
}

TEST_CASE("Java double text", "[java]") {
  CHECK(d(-2.25) == "-2.25");
  CHECK(d(1.7976931348623157e308) == "1.7976931348623157E308");
  CHECK(d(0.1) == "0.1");
  CHECK(d(123456789.0) == "1.23456789E8");
  CHECK(d(1234567.0) == "1234567.0");
  CHECK(d(2.5e10) == "2.5E10");
  CHECK(d(0.9065021936842261) == "0.9065021936842261");
  CHECK(d(1e-5) == "1.0E-5");
  CHECK(d(4.9e-324) == "4.9E-324");
  CHECK(d(std::numeric_limits<double>::infinity()) == "Infinity");
}

}  // namespace
}  // namespace sluice::codec
