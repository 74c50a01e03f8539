#include "support/prometheus_text.h"

#include <cctype>
#include <cstdlib>

namespace sluice::test {
namespace {

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         c == ':' || (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Reads a metric or label name at `at`; empty when there is none.
std::string read_name(std::string_view line, size_t& at) {
  const size_t start = at;
  while (at < line.size() && name_char(line[at], at == start)) ++at;
  return std::string(line.substr(start, at - start));
}

bool parse_sample(std::string_view line, Sample& out) {
  size_t at = 0;
  out.name = read_name(line, at);
  if (out.name.empty()) return false;
  if (at < line.size() && line[at] == '{') {
    ++at;
    while (at < line.size() && line[at] != '}') {
      const std::string label = read_name(line, at);
      if (label.empty() || at + 1 >= line.size() || line[at] != '=' ||
          line[at + 1] != '"')
        return false;
      at += 2;
      std::string value;
      for (;; ++at) {
        if (at >= line.size()) return false;
        const char c = line[at];
        if (c == '"') break;
        if (c == '\\') {
          if (++at >= line.size()) return false;
          const char e = line[at];
          if (e == 'n') {
            value += '\n';
          } else if (e == '\\' || e == '"') {
            value += e;
          } else {
            return false;
          }
        } else {
          value += c;
        }
      }
      ++at;  // the closing quote
      if (!out.labels.emplace(label, std::move(value)).second) return false;
      if (at < line.size() && line[at] == ',') ++at;
    }
    if (at >= line.size()) return false;
    ++at;  // '}'
  }
  if (at >= line.size() || line[at] != ' ') return false;
  const std::string rest(line.substr(at + 1));
  const size_t space = rest.find(' ');
  const std::string number = rest.substr(0, space);
  if (number == "+Inf" || number == "-Inf" || number == "NaN") {
    out.value = number == "NaN" ? 0 : (number[0] == '-' ? -1e308 : 1e308);
    return true;
  }
  char* end = nullptr;
  out.value = std::strtod(number.c_str(), &end);
  return !number.empty() && *end == '\0';
}

}  // namespace

std::optional<double> MetricsPage::value(
    std::string_view name,
    const std::map<std::string, std::string>& labels) const {
  std::optional<double> found;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      const auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (!match) continue;
    if (found) return std::nullopt;
    found = s.value;
  }
  return found;
}

std::optional<MetricsPage> parse_metrics(std::string_view text,
                                         std::string* error) {
  MetricsPage page;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty()) continue;
    bool ok = true;
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string_view rest = line.substr(7);
      const size_t space = rest.find(' ');
      const std::string type(
          space == std::string_view::npos ? "" : rest.substr(space + 1));
      ok = type == "counter" || type == "gauge" || type == "histogram" ||
           type == "summary" || type == "untyped";
      if (ok) page.types[std::string(rest.substr(0, space))] = type;
    } else if (line.rfind("# HELP ", 0) == 0 || line.rfind("# ", 0) == 0) {
      ok = true;
    } else {
      Sample s;
      ok = parse_sample(line, s);
      if (ok) page.samples.push_back(std::move(s));
    }
    if (!ok) {
      if (error != nullptr)
        *error = "line " + std::to_string(line_no) + ": " + std::string(line);
      return std::nullopt;
    }
  }
  return page;
}

}  // namespace sluice::test
