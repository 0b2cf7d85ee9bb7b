#include "suanli/report/table.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "suanli/i18n/format.h"
#include "suanli/model/error.h"

namespace suanli::report {

void Table::add_row(std::vector<std::string> cells) {
  SUANLI_ASSERT(cells.size() == columns_.size());
  rows_.push_back(std::move(cells));
}

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 1;
    char32_t cp = c;
    if (c >= 0xF0) { len = 4; cp = c & 0x07u; }
    else if (c >= 0xE0) { len = 3; cp = c & 0x0Fu; }
    else if (c >= 0xC0) { len = 2; cp = c & 0x1Fu; }
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    // East Asian wide ranges (CJK, Hangul, full-width forms).
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string Table::render() const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = display_width(columns_[c].header);
    for (const auto& row : rows_) width[c] = std::max(width[c], display_width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - display_width(cells[c]), ' ');
      if (c) out += "  ";
      out += columns_[c].numeric ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : "");
    }
    return out + "\n";
  };
  std::vector<std::string> headers;
  for (const auto& col : columns_) headers.push_back(col.header);
  std::string out = line(headers);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.emplace_back(w, '-');
  out += line(rule);
  for (const auto& row : rows_) out += line(row);
  return out;
}

void append_csv_line(const std::vector<std::string>& cells, std::string& out) {
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (c) out += ',';
    const std::string& cell = cells[c];
    if (cell.find_first_of(",\"\n") == std::string::npos) {
      out += cell;
      continue;
    }
    out += '"';
    for (char ch : cell) out += ch == '"' ? std::string_view("\"\"") : std::string_view(&ch, 1);
    out += '"';
  }
  out += '\n';
}

std::string Table::csv() const {
  std::string out;
  std::vector<std::string> headers;
  for (const auto& col : columns_) headers.push_back(col.header);
  append_csv_line(headers, out);
  for (const auto& row : rows_) append_csv_line(row, out);
  return out;
}

CsvFile::CsvFile(const std::string& path, const std::vector<std::string>& headers)
    : path_(path), file_(std::fopen(path.c_str(), "wb")) {
  if (!file_) throw InputError(path, "cannot write the file");
  row(headers);
}

CsvFile::~CsvFile() {
  if (file_) std::fclose(file_);
}

void CsvFile::row(const std::vector<std::string>& cells) {
  append_csv_line(cells, buffer_);
  if (buffer_.size() < (1u << 16)) return;
  std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  buffer_.clear();
}

void CsvFile::close() {
  if (!file_) return;
  std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  buffer_.clear();
  const bool ok = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw InputError(path_, "cannot write the file");
}

void create_output_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw InputError(dir, "cannot create the output directory" + (ec ? ": " + ec.message() : std::string()));
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) throw InputError(path, "cannot write the file");
}

std::string fmt_number(double v, int decimals) {
  return i18n::number(i18n::Lang::En, v, decimals);  // the same digits in both languages
}

std::string fmt_si(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::abs(v);
  if (a >= 1e9) return fmt::format("{:.1f}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.1f}k", v / 1e3);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

}  // namespace suanli::report
