// Table: rows of text cells rendered as an aligned terminal table or as CSV.
//
// Columns are left-aligned unless marked numeric (right-aligned). Widths are
// measured in displayed characters (UTF-8 aware), so CJK names line up.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace suanli::report {

class Table {
 public:
  struct Column {
    std::string header;
    bool numeric = false;
  };

  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // REQUIRES: cells.size() == number of columns.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }

  std::string render() const;  // aligned, with a header rule
  std::string csv() const;     // RFC 4180: quoted where needed

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Appends one CSV line (RFC 4180: quoted where needed) to `out`.
void append_csv_line(const std::vector<std::string>& cells, std::string& out);

// A CSV file written row by row, for tables too large to hold (a national-
// scale run's jobs): the same text as Table::csv() of the same rows. Throws
// InputError(path, ...) if the file cannot be written.
class CsvFile {
 public:
  CsvFile(const std::string& path, const std::vector<std::string>& headers);
  ~CsvFile();
  void row(const std::vector<std::string>& cells);
  void close();  // flushes; throws on a write error (the destructor does not)

 private:
  std::string path_;
  std::string buffer_;
  std::FILE* file_ = nullptr;
};

// Display width of UTF-8 text: wide (CJK) characters count two.
std::size_t display_width(const std::string& s);

// Output files for --csv DIR: creates `dir` (and parents) if missing; throws
// InputError(dir, ...) if it cannot. write_text_file throws InputError(path, ...).
void create_output_directory(const std::string& dir);
void write_text_file(const std::string& path, const std::string& text);

// Number formatting for tables: fixed decimals, thousands separators for
// large values, "-" for absent values.
std::string fmt_number(double v, int decimals = 1);
std::string fmt_si(double v);  // 1.2k, 3.4M ...

}  // namespace suanli::report
