#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "suanli/report/table.h"

namespace suanli::report {
namespace {

TEST(Table, AlignsColumnsAndRightAlignsNumbers) {
  Table t({{"name"}, {"value", true}});
  t.add_row({"a", "1"});
  t.add_row({"longer", "100"});
  EXPECT_EQ(t.render(), "name    value\n------  -----\na           1\nlonger    100\n");
}

TEST(Table, CsvQuotesOnlyWhereNeeded) {
  Table t({{"a"}, {"b"}});
  t.add_row({"x,y", "say \"hi\""});
  t.add_row({"plain", ""});
  EXPECT_EQ(t.csv(), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\nplain,\n");
}

TEST(CsvFile, WritesWhatTableCsvWrites) {
  const std::string path = ::testing::TempDir() + "suanli_csv_file_test.csv";
  Table t({{"a"}, {"b"}});
  {
    CsvFile f(path, {"a", "b"});
    for (int i = 0; i < 5000; ++i) {  // past the write buffer
      const std::vector<std::string> row = {"x,y" + std::to_string(i), "say \"hi\"\nthere"};
      t.add_row(row);
      f.row(row);
    }
    f.close();
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, t.csv());
  std::remove(path.c_str());
}

TEST(Table, WideCharactersCountTwice) {
  EXPECT_EQ(display_width("算力"), 4u);
  EXPECT_EQ(display_width("h200"), 4u);
}

TEST(Format, NumbersAreReadable) {
  EXPECT_EQ(fmt_number(15832, 0), "15,832");
  EXPECT_EQ(fmt_number(-1234567, 0), "-1,234,567");
  EXPECT_EQ(fmt_number(3.14159, 2), "3.14");
  EXPECT_EQ(fmt_si(2.5e6), "2.5M");
  EXPECT_EQ(fmt_number(std::nan(""), 1), "-");
}

}  // namespace
}  // namespace suanli::report
