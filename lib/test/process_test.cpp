// The spawner: an argument vector and no shell, exit codes and signals reported, and a child
// that dies of an interruption takes the caller with it.
#include "gradaudit/testing/process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

using gradaudit::testing::run_process;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Process, ExitCodesAndMissingPrograms) {
  EXPECT_TRUE(run_process({"true"}).ok());
  const auto f = run_process({"false"});
  EXPECT_TRUE(f.started);
  EXPECT_EQ(f.code, 1);
  const auto missing = run_process({"/nonexistent/gradaudit-no-such-program"});
  EXPECT_FALSE(missing.started);
  EXPECT_NE(missing.error.find("cannot start /nonexistent/gradaudit-no-such-program"),
            std::string::npos);
}

// Shell syntax in an argument is text: the injection through --figures.
TEST(Process, ArgumentsAreNeverParsedByAShell) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gradaudit_process_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string evil = "z'; touch " + (dir / "PWNED").string() + "; echo '";
  const auto out = (dir / "out.txt").string();
  ASSERT_TRUE(run_process({"printf", "%s", evil}, out).ok());
  EXPECT_EQ(slurp(out), evil);
  EXPECT_FALSE(std::filesystem::exists(dir / "PWNED"));
  std::filesystem::remove_all(dir);
}

TEST(Process, AChildKilledOtherwiseIsReported) {
  const auto st = run_process({"sh", "-c", "kill -USR1 $$"});
  EXPECT_TRUE(st.started);
  EXPECT_EQ(st.signal, SIGUSR1);
  EXPECT_FALSE(st.ok());
}

// Ctrl-C that killed the child is an interruption of the caller, not a failed check.
TEST(ProcessDeathTest, AnInterruptedChildInterruptsTheCaller) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_process({"sh", "-c", "kill -INT $$"}), ::testing::KilledBySignal(SIGINT), "");
  EXPECT_EXIT(run_process({"sh", "-c", "kill -TERM $$"}), ::testing::KilledBySignal(SIGTERM), "");
}

}  // namespace
