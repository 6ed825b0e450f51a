// The `gradaudit` command line: eval's output format, errors and exit codes, in-process and
// through the real executable; and eval's 1-ULP accuracy end to end.
#include "commands.hpp"

#include "gradaudit/audit/numbers.hpp"
#include "gradaudit/audit/report.hpp"
#include "gradaudit/audit/text.hpp"

#include "gradaudit/train.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <csignal>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using gradaudit::ref_t;

struct run_result {
  int code;
  std::string out, err;
};

run_result eval(std::vector<std::string> args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = gradaudit::cli::eval(args, in, out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  for (std::string l; std::getline(is, l);) v.push_back(l);
  return v;
}

TEST(Eval, DoublePrintsSeventeenDigits) {
  const auto r = eval({"sigmoid"}, "0\n1\n-800\n40\n");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"0.5", "0.7310585786300049", "0", "1"}));
}

TEST(Eval, ReferencePrintsFortyDigits) {
  const auto r = eval({"sigmoid_grad", "--reference"}, "40\n");
  ASSERT_EQ(r.code, 0) << r.err;
  // σ'(40) = e^-40/(1+e^-40)^2 = 4.248354255291588...e-18 (40 digits, scientific).
  ASSERT_EQ(lines(r.out).size(), 1u);
  EXPECT_EQ(lines(r.out)[0].substr(0, 12), "4.2483542552");
  EXPECT_EQ(lines(r.out)[0].find('e'), 41u);  // "d." + 39 digits
}

TEST(Eval, AcceptsCrlfBlanksHexAndSpecials) {
  const auto r = eval({"sigmoid"}, " 0x1p-1 \r\ninf\n-inf\nnan\n");
  EXPECT_EQ(r.code, 0) << r.err;
  const auto l = lines(r.out);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[1], "1");
  EXPECT_EQ(l[2], "0");
  EXPECT_EQ(l[3], "nan");
}

TEST(Eval, UnparsableLineNamesItAfterEarlierResults) {
  const auto r = eval({"sigmoid"}, "0\n1.5x\n2\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"0.5"}));
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1.5x"), std::string::npos) << r.err;
}

TEST(Eval, EmptyLineIsAnError) {
  const auto r = eval({"sigmoid"}, "0\n\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
}

TEST(Eval, DomainErrorExitsOneWithTheMessage) {
  const auto r = eval({"bce", "--y", "1"}, "0.5\n1.5\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("yhat = 1.5 is outside [0, 1]"), std::string::npos) << r.err;
  // A target outside [0, 1] is the command line's error, found before any input is read.
  const auto ry = eval({"bce_logits", "--y", "2"}, "");
  EXPECT_EQ(ry.code, 2);
  EXPECT_NE(ry.err.find("--y: '2' is not a finite number in [0, 1]"), std::string::npos) << ry.err;
}

TEST(Eval, UsageErrorsExitTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"cosine"},
                                             {},
                                             {"bce"},
                                             {"sigmoid", "--y", "1"},
                                             {"bce", "--y"},
                                             {"bce", "--y", "abc"},
                                             {"bce", "--y", "1", "--y", "0"},
                                             {"sigmoid", "--frobnicate"},
                                             {"sigmoid", "extra"},
                                             {"sigmoid", "--reference", "--reference"}}) {
    const auto r = eval(args, "0\n");
    EXPECT_EQ(r.code, 2) << (args.empty() ? "(none)" : args[0]);
    EXPECT_FALSE(r.err.empty());
  }
  const auto r = eval({"cosine"}, "");
  EXPECT_NE(r.err.find("sigmoid sigmoid_grad log_sigmoid bce bce_grad bce_logits bce_logits_grad"),
            std::string::npos)
      << r.err;
}

// End to end: eval's double output is within 1 ULP of eval --reference, for every function,
// on 2000 inputs over the whole double range (probabilities for bce/bce_grad).
TEST(Eval, DoubleWithinOneUlpOfReference) {
  namespace gen = gradaudit::testing::gen;
  const auto zs = gen::sample(gen::any_finite(), 2000, 7);
  const auto ps = gen::sample(gen::probability(), 2000, 8);
  struct fn {
    const char* name;
    const char* y;
    bool probability;
  };
  for (const fn f : {fn{"sigmoid", nullptr, false}, fn{"sigmoid_grad", nullptr, false},
                     fn{"log_sigmoid", nullptr, false}, fn{"bce", "1", true}, fn{"bce", "0", true},
                     fn{"bce_logits", "1", false}, fn{"bce_logits", "0", false},
                     fn{"bce_logits_grad", "1", false}, fn{"bce_logits_grad", "0", false}}) {
    std::string input;
    char buf[40];
    for (double v : f.probability ? ps : zs) {
      std::snprintf(buf, sizeof buf, "%a\n", v);
      input += buf;
    }
    std::vector<std::string> args{f.name};
    if (f.y) args.insert(args.end(), {"--y", f.y});
    const auto d = eval(args, input);
    args.push_back("--reference");
    const auto r = eval(args, input);
    ASSERT_EQ(d.code, 0) << d.err;
    ASSERT_EQ(r.code, 0) << r.err;
    const auto dl = lines(d.out), rl = lines(r.out);
    ASSERT_EQ(dl.size(), rl.size());
    double worst = 0;
    for (std::size_t i = 0; i < dl.size(); ++i) {
      // The reference printed to 40 digits is within 5e-40 relative of its 168-bit value:
      // 2^-78 of a double ULP, so the 1-ULP bound needs no allowance for it.
      const double u =
          gradaudit::testing::ulp_distance(std::strtod(dl[i].c_str(), nullptr), ref_t(rl[i]));
      worst = std::max(worst, u);
      EXPECT_LE(u, 1.0) << f.name << " y=" << (f.y ? f.y : "-") << " at line " << i + 1 << ": "
                        << dl[i] << " vs " << rl[i];
    }
    std::cout << f.name << (f.y ? std::string(" y=") + f.y : std::string()) << ": max " << worst
              << " ULP over " << dl.size() << " inputs\n";
  }
}

// The executable itself: exit codes and streams.
int run_exe(const std::string& args, const std::string& input, std::string* out = nullptr,
            const std::string& env = "") {
  // ctest runs the tests of this file as parallel processes: the files must not be shared.
  static int calls = 0;
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(++calls);
  const std::string in = testing::TempDir() + "gradaudit_cli_in_" + tag + ".txt";
  const std::string outf = testing::TempDir() + "gradaudit_cli_out_" + tag + ".txt";
  std::ofstream(in) << input;
  // Sharding variables of a sharded run of this test binary must not shard the audits below.
  const std::string cmd = "env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX " + env + " " +
                          std::string(GRADAUDIT_EXE) + " " + args + " < " + in + " > " + outf +
                          " 2>&1";
  const int status = std::system(cmd.c_str());
  if (out) {
    std::ifstream f(outf);
    *out = std::string(std::istreambuf_iterator<char>(f), {});
  }
  std::remove(in.c_str());
  std::remove(outf.c_str());
  return WEXITSTATUS(status);
}

TEST(Executable, ExitCodes) {
  std::string out;
  EXPECT_EQ(run_exe("eval sigmoid", "0\n", &out), 0);
  EXPECT_EQ(out, "0.5\n");
  EXPECT_EQ(run_exe("eval sigmoid", "zero\n"), 1);
  EXPECT_EQ(run_exe("eval cosine", ""), 2);
  EXPECT_EQ(run_exe("frobnicate", "", &out), 2);
  EXPECT_NE(out.find("unknown command"), std::string::npos) << out;
  EXPECT_EQ(run_exe("", ""), 2);
  EXPECT_EQ(run_exe("audit --cases 0", ""), 2);
  EXPECT_EQ(run_exe("audit --only no.such.claim", ""), 2);
  EXPECT_EQ(run_exe("--help", "", &out), 0);
}

TEST(Executable, AuditOfOneClaimReportsItsVerdict) {
  std::string out;
  EXPECT_EQ(run_exe("audit --only sigmoid.derivative.middle_step --cases 50", "", &out), 0) << out;
  EXPECT_NE(out.find("refuted  sigmoid.derivative.middle_step"), std::string::npos) << out;
  EXPECT_NE(out.find("1 claims: 0 hold, 1 refuted"), std::string::npos) << out;
}

}  // namespace

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

/// A fresh folder for one test's files (per process: ctest runs tests in parallel).
std::string fresh_dir(const std::string& name) {
  const std::string dir = testing::TempDir() + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// An environment entry under which /usr/bin/python3 has no PyTorch: a `torch` package in `dir`
/// that raises ImportError, first on PYTHONPATH (a real PyTorch start costs ~5 s here).
std::string without_pytorch(const std::string& dir) {
  std::filesystem::create_directories(dir + "/torch");
  std::ofstream(dir + "/torch/__init__.py") << "raise ImportError('simulated: no torch here')\n";
  return "PYTHONPATH=" + dir;
}

/// The temporaries (names holding ".gradaudit-") under `dir`, one per line; "" when none.
std::string temporaries_in(const std::string& dir) {
  std::string found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::end(it); it.increment(ec))
    if (it->path().filename().string().find(".gradaudit-") != std::string::npos)
      found += it->path().string() + "\n";
  return found;
}

TEST(Train, WritesJsonWithTheRequiredFields) {
  const std::string json =
      testing::TempDir() + "gradaudit_train_" + std::to_string(::getpid()) + ".json";
  std::remove(json.c_str());
  std::string out;
  ASSERT_EQ(run_exe("train --layers 2,4,1 --samples 500 --epochs 5 --init-weight constant:0.5 "
                    "--init-bias zeros --json " +
                        json,
                    "", &out),
            0)
      << out;
  EXPECT_NE(out.find("distinct units per hidden layer: 1"), std::string::npos) << out;
  const auto j = nlohmann::ordered_json::parse(read_file(json));
  for (const char* key : {"final_loss", "train_seconds", "history", "layers", "initial_layers"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["history"].size(), 5u);
  EXPECT_EQ(j["history"][0]["distinct_units"], nlohmann::ordered_json::array({1}));
  EXPECT_EQ(j["layers"][0]["weight"].size(), 4u);
  EXPECT_EQ(j["layers"][1]["bias"].size(), 1u);
  // The doubles read back exactly: the constant initial weight, and the final loss printed
  // with 17 digits on the terminal.
  EXPECT_EQ(j["initial_layers"][0]["weight"][0][0].get<double>(), 0.5);
  const auto p = out.find("final loss ");
  ASSERT_NE(p, std::string::npos);
  EXPECT_EQ(j["final_loss"].get<double>(), std::strtod(out.c_str() + p + 11, nullptr));
  std::remove(json.c_str());
}

TEST(Train, SameSeedSameBytesWhateverTheThreads) {
  const std::string a = testing::TempDir() + "ga_a_" + std::to_string(::getpid()) + ".json",
                    b = testing::TempDir() + "ga_b_" + std::to_string(::getpid()) + ".json";
  // 3000 samples × 17 units: above train's parallel_work, so --threads 2 does use two.
  ASSERT_EQ(
      run_exe("train --layers 2,8,8,1 --samples 3000 --epochs 20 --threads 1 --json " + a, ""), 0);
  ASSERT_EQ(
      run_exe("train --layers 2,8,8,1 --samples 3000 --epochs 20 --threads 2 --json " + b, ""), 0);
  auto strip = [](std::string s, const char* key) {
    const auto p = s.find(key);
    return p == std::string::npos ? s : s.erase(p, s.find('\n', p) - p);
  };
  const std::string ja = read_file(a), jb = read_file(b);
  EXPECT_NE(ja.find("\"threads\": 1,"), std::string::npos);
  EXPECT_NE(jb.find("\"threads\": 2,"), std::string::npos);
  EXPECT_EQ(strip(strip(ja, "\"train_seconds\""), "\"threads\""),
            strip(strip(jb, "\"train_seconds\""), "\"threads\""));
}

TEST(Train, ErrorsNameTheArgumentAndLeaveNoFile) {
  std::string out;
  EXPECT_EQ(run_exe("train --layers 2,x,1", "", &out), 2);
  EXPECT_NE(out.find("--layers: 'x'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 3,1 --samples 10", "", &out), 2);
  EXPECT_NE(out.find("the data has 2 features but the network takes 3 inputs"), std::string::npos)
      << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --lr nan", "", &out), 2);
  EXPECT_EQ(run_exe("train --layers 2,1 --init-weight constant:", "", &out), 2);
  EXPECT_NE(out.find("initializer 'constant:'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --epochs 1 --epochs 2", "", &out), 2);
  EXPECT_EQ(run_exe("train --layers 2,1 --data /no/such/file.csv", "", &out), 1);
  EXPECT_NE(out.find("cannot read /no/such/file.csv"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --json /no/such/dir/out.json", "", &out), 2);
  EXPECT_NE(
      out.find("--json: '/no/such/dir/out.json': its directory '/no/such/dir' does not exist"),
      std::string::npos)
      << out;
  // Divergence: a non-finite loss is an error naming the step, and the JSON is not written.
  const std::string json =
      testing::TempDir() + "gradaudit_diverge_" + std::to_string(::getpid()) + ".json";
  std::remove(json.c_str());
  EXPECT_EQ(
      run_exe("train --layers 2,1 --activation identity --loss mse --lr 1e200 --epochs 50 --json " +
                  json,
              "", &out),
      1);
  EXPECT_NE(out.find("step "), std::string::npos) << out;
  EXPECT_FALSE(std::ifstream(json).good());
}

TEST(Train, ReadsTheArticleCsvAndMatchesTheExperiment) {
  std::string out;
  ASSERT_EQ(run_exe(std::string("train --data ") + GRADAUDIT_DATA
                        "/article_train.csv --layers 2,1 "
                        "--init-weight constant:0.01 --init-bias zeros --epochs 1000 --lr 0.01",
                    "", &out),
            0)
      << out;
  // The final loss of the double replay (regression/experiment_test.cpp checks it against
  // the exact value): printed with 17 digits.
  EXPECT_NE(out.find("final loss 0.28067546337068"), std::string::npos) << out;
}

}  // namespace

namespace {

TEST(Audit, WritesReportsAndFigures) {
  const std::string dir = fresh_dir("gradaudit_audit_out");  // the reports' folder must exist
  std::string out;
  ASSERT_EQ(run_exe("audit --only sigmoid.derivative.middle_step --cases 20 --markdown " + dir +
                        "/R.md --json " + dir + "/r.json --junit " + dir + "/j.xml --figures " +
                        dir + "/fig",
                    "", &out),
            0)
      << out;
  const std::string md = read_file(dir + "/R.md"), js = read_file(dir + "/r.json"),
                    xml = read_file(dir + "/j.xml");
  EXPECT_NE(md.find("### `sigmoid.derivative.middle_step` — **refuted**"), std::string::npos) << md;
  EXPECT_NE(md.find("## Figures"), std::string::npos);
  EXPECT_NE(js.find("\"verdict\": \"refuted\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"summary\": {\n    \"claims\": 1,"), std::string::npos) << js;
  EXPECT_NE(xml.find("<testcase"), std::string::npos) << xml;
  EXPECT_TRUE(std::filesystem::exists(dir + "/fig/gradients.dat"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/fig/figures.gp"));
}

TEST(Audit, UnwritableOutputFailsBeforeAnyClaim) {
  std::string out;
  EXPECT_EQ(run_exe("audit --json /no/such/dir/r.json", "", &out), 2);
  EXPECT_NE(out.find("its directory '/no/such/dir' does not exist"), std::string::npos) << out;
  EXPECT_EQ(out.find("holds"), std::string::npos) << out;  // no claim ran
  EXPECT_EQ(run_exe("audit --markdown a.md --markdown b.md", "", &out), 2);
}

}  // namespace

namespace {

/// A report with its times blanked: the values of JSON "seconds" and JUnit time="…".
std::string untimed(std::string s) {
  for (const std::string key : {"\"seconds\": ", "time=\""}) {
    for (auto p = s.find(key); p != std::string::npos; p = s.find(key, p + key.size())) {
      const auto q = s.find_first_of(",}\"", p + key.size());
      s.erase(p + key.size(), q - p - key.size());
    }
  }
  return s;
}

// Without PyTorch the code.* claims are "not checked", with the reason: article_code_checks.py
// says so by its exit status 3 (there is no separate `import torch` probe any more).
TEST(Audit, WithoutPyTorchTheCodeClaimsAreNotChecked) {
  const std::string d = fresh_dir("gradaudit_no_torch");
  std::string out;
  EXPECT_EQ(run_exe("audit --only code.loss_call_runs", "", &out, without_pytorch(d)), 0) << out;
  EXPECT_NE(out.find("not checked"), std::string::npos) << out;
  EXPECT_NE(out.find("PyTorch is not importable"), std::string::npos) << out;
  std::filesystem::remove_all(d);
}

TEST(Audit, ShardsMergeIntoTheUnshardedReport) {
  const std::string d = fresh_dir("gradaudit_shards");
  std::string out;
  // Claims with every kind of result, so that the reader meets each: holds (with digits or
  // ULP evidence), refuted (counterexample, correction checked), needs-correction (under the
  // omitted conditions), and not-checked: code.xticks, with a torch package that raises
  // ImportError on the path (its refuted form is a computed fact, as ce.linear.blow_up's; a
  // real PyTorch start costs ~5 s per audit, and report.reproduces runs it). Few cases:
  // the point is the round trip, not the verdicts.
  const std::string no_torch = without_pytorch(d);
  std::string only;
  for (const char* id :
       {"sigmoid.derivative.middle_step", "mse.grad_yhat", "mse.chain_rule", "ce.linear.blow_up",
        "ce.sigmoid.coincidence", "init.logistic.gradient_nonzero", "init.constant.units_identical",
        "code.xticks", "accuracy.sigmoid_grad", "ext.curvature.mse_sigmoid_convex",
        "ext.softmax.accuracy", "ext.zero_init.tanh_relu_frozen"})
    only += std::string(" --only ") + id;
  ASSERT_LE(run_exe("audit --cases 20" + only + " --json " + d + "/all.json --markdown " + d +
                        "/all.md --junit " + d + "/all.xml",
                    "", &out, no_torch),
            1)
      << out;
  EXPECT_NE(out.find("not-checked  code.xticks"), std::string::npos) << out;
  std::string parts;
  for (int i = 0; i < 3; ++i) {
    ASSERT_LE(
        run_exe("audit --cases 20" + only + " --json " + d + "/s" + std::to_string(i) + ".json", "",
                &out, no_torch + " GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=" + std::to_string(i)),
        1)
        << out;
    EXPECT_NE(out.find("shard " + std::to_string(i) + " of 3"), std::string::npos) << out;
    parts += " " + d + "/s" + std::to_string(i) + ".json";
  }
  run_exe("report merge" + parts + " --json " + d + "/m.json --markdown " + d + "/m.md --junit " +
              d + "/m.xml",
          "", &out);
  EXPECT_NE(out.find("merged 3 report(s)"), std::string::npos) << out;
  // The Markdown has no times: byte for byte the same as the unsharded run's.
  EXPECT_EQ(read_file(d + "/m.md"), read_file(d + "/all.md"));
  // JSON and JUnit differ only in times.
  EXPECT_EQ(untimed(read_file(d + "/m.json")), untimed(read_file(d + "/all.json")));
  EXPECT_EQ(untimed(read_file(d + "/m.xml")), untimed(read_file(d + "/all.xml")));
  std::filesystem::remove_all(d);
}

TEST(Audit, BadShardVariablesAreUsageErrors) {
  std::string out;
  EXPECT_EQ(run_exe("audit --only sigmoid.derivative.identity", "", &out,
                    "GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=3"),
            2);
  EXPECT_NE(out.find("GTEST_SHARD_INDEX: '3' is not an integer in [0, 2]"), std::string::npos)
      << out;
  EXPECT_EQ(run_exe("audit --only sigmoid.derivative.identity", "", &out,
                    "GTEST_TOTAL_SHARDS=0 GTEST_SHARD_INDEX=0"),
            2);
  EXPECT_NE(out.find("GTEST_TOTAL_SHARDS: '0'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("audit --only sigmoid.derivative.identity", "", &out, "GTEST_SHARD_INDEX=1"),
            2);
  EXPECT_NE(out.find("GTEST_SHARD_INDEX is set but GTEST_TOTAL_SHARDS is not"), std::string::npos)
      << out;
  // A shard may hold no claim at all: not an error.
  EXPECT_EQ(run_exe("audit --only sigmoid.derivative.identity", "", &out,
                    "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1"),
            0);
  EXPECT_NE(out.find("0 claims"), std::string::npos) << out;
}

TEST(ReportMerge, RefusesReportsThatAreNotShardsOfOneRun) {
  const std::string d = fresh_dir("gradaudit_merge_bad");
  std::string out;
  const std::string id = "sigmoid.derivative.identity";
  ASSERT_EQ(run_exe("audit --only " + id + " --cases 10 --json " + d + "/a.json", "", &out), 0)
      << out;
  ASSERT_EQ(
      run_exe("audit --only " + id + " --cases 10 --seed 5 --json " + d + "/b.json", "", &out), 0)
      << out;
  EXPECT_EQ(run_exe("report merge " + d + "/a.json " + d + "/b.json", "", &out), 1);
  EXPECT_NE(out.find("has seed 5, cases 10"), std::string::npos) << out;
  EXPECT_EQ(run_exe("report merge " + d + "/a.json " + d + "/a.json", "", &out), 1);
  EXPECT_NE(out.find("claim '" + id + "' is in both"), std::string::npos) << out;
  // Not JSON, not a report, a claim this binary does not know, a missing file.
  std::ofstream(d + "/broken.json") << "{\"claims\": [\n  {\"id\": tru}]}";
  EXPECT_EQ(run_exe("report merge " + d + "/broken.json", "", &out), 1);
  EXPECT_NE(out.find("broken.json: parse error at line 2, column"), std::string::npos) << out;
  std::ofstream(d + "/other.json") << "{\"claims\": [], \"summary\": {\"seed\": 1}}";
  EXPECT_EQ(run_exe("report merge " + d + "/other.json", "", &out), 1);
  EXPECT_NE(out.find("missing member \"cases\""), std::string::npos) << out;
  std::string a = read_file(d + "/a.json");
  a.replace(a.find(id), id.size(), "no.such.claim");
  std::ofstream(d + "/unknown.json") << a;
  EXPECT_EQ(run_exe("report merge " + d + "/unknown.json", "", &out), 1);
  EXPECT_NE(out.find("claim 'no.such.claim': not a claim of this program"), std::string::npos)
      << out;
  EXPECT_EQ(run_exe("report merge " + d + "/none.json", "", &out), 1);
  EXPECT_NE(out.find("cannot read " + d + "/none.json"), std::string::npos) << out;
  // Usage errors, and an unwritable output before anything is read.
  EXPECT_EQ(run_exe("report merge", "", &out), 2);
  EXPECT_EQ(run_exe("report split " + d + "/a.json", "", &out), 2);
  EXPECT_EQ(run_exe("report merge " + d + "/a.json --json /no/such/dir/m.json", "", &out), 2);
  EXPECT_NE(out.find("--json: '/no/such/dir/m.json': its directory '/no/such/dir' does not exist"),
            std::string::npos)
      << out;
  std::filesystem::remove_all(d);
}

}  // namespace

namespace {}  // namespace

namespace {

/// Starts the executable without a shell (a shell's background job would ignore SIGINT) and
/// with its output discarded; returns its pid.
pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const struct rlimit no_core { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &no_core);  // SIGQUIT dumps no core into the test's folder
    ::unsetenv("GTEST_TOTAL_SHARDS");
    ::unsetenv("GTEST_SHARD_INDEX");
    std::vector<char*> argv{const_cast<char*>(GRADAUDIT_EXE)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(GRADAUDIT_EXE, argv.data());
    ::_exit(127);
  }
  return pid;
}

/// Sends `sig` to a run of `cmd` once its temporaries exist and the work has run a little;
/// checks it died of that signal, left the previous report and no temporary.
void interrupt_and_check(const std::vector<std::string>& cmd, const std::string& d,
                         const std::string& out, int sig) {
  std::ofstream(out) << "previous\n";
  const pid_t pid = spawn(cmd);
  ASSERT_GT(pid, 0);
  // The temporaries exist from before the work starts; then let the work run a little.
  for (int k = 0; k < 2000 && temporaries_in(d).empty(); ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_NE(temporaries_in(d), "") << cmd[0] << " never created a temporary";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(pid, sig), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
      << cmd[0] << " signal " << sig << " status " << status;
  EXPECT_EQ(read_file(out), "previous\n") << cmd[0] << " signal " << sig;
  EXPECT_EQ(temporaries_in(d), "") << cmd[0] << " signal " << sig;
  EXPECT_FALSE(std::filesystem::exists(d + "/out.md")) << cmd[0] << " signal " << sig;
}

// Issue 12 items 1 and 5 (failed before: SIGQUIT, SIGUSR1, SIGALRM and SIGPIPE left the
// temporary): every fatal signal removes the temporaries and the process dies of it.
TEST(Signals, InterruptLeavesThePreviousReportAndNoTemporary) {
  const std::string d = fresh_dir("gradaudit_sigint");
  const std::string out = d + "/out.json";
  const std::vector<std::string> train{"train",    "--layers",  "2,8,8,1", "--samples", "20000",
                                       "--epochs", "100000000", "--json",  out};
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE})
    interrupt_and_check(train, d, out, sig);
  const std::vector<std::string> audit{"audit",      "--cases",     "100000",    "--json",   out,
                                       "--markdown", d + "/out.md", "--figures", d + "/figs"};
  for (int sig : {SIGINT, SIGTERM}) interrupt_and_check(audit, d, out, sig);
  EXPECT_FALSE(std::filesystem::exists(d + "/figs"));  // created only by a successful run
  std::filesystem::remove_all(d);
}

TEST(Audit, SameSeedSameReport) {
  // Byte-identical JSON apart from times, and identical Markdown, for the same seed and cases.
  const std::string d = fresh_dir("gradaudit_same_seed");
  const std::string only =
      " --only mse.grad_yhat --only ext.softmax.accuracy --only init.constant.units_identical";
  std::string out;
  for (const char* name : {"a", "b"})
    ASSERT_EQ(run_exe(std::string("audit --cases 50 --seed 7") + only + " --json " + d + "/" +
                          name + ".json --markdown " + d + "/" + name + ".md",
                      "", &out),
              0)
        << out;
  EXPECT_EQ(untimed(read_file(d + "/a.json")), untimed(read_file(d + "/b.json")));
  EXPECT_EQ(read_file(d + "/a.md"), read_file(d + "/b.md"));
  std::filesystem::remove_all(d);
}

}  // namespace

namespace {

/// One bad (or edge) input to an entry point, the exit code it must give and a piece of the
/// message it must print. README.md's "Bad input" section lists the same behaviour.
struct bad_input {
  std::string args;  ///< after the executable; DATA/ and OUT/ are replaced by folders
  std::string stdin_text;
  int code;
  std::string message;  ///< must appear in stdout + stderr ("" when the code says it all)
};

TEST(BadInput, EveryEntryPointGivesAClearErrorAndItsExitCode) {
  const std::string d = fresh_dir("gradaudit_bad_input");
  auto file = [&](const std::string& name, const std::string& text) {
    std::ofstream(d + "/" + name, std::ios::binary) << text;
  };
  file("ok.csv", "x1,x2,y\n0.5,-1,1\n2,3,0\n");
  file("crlf.csv", "x1,x2,y\r\n0.5,-1,1\r\n2,3,0\r\n");
  file("bom.csv", "\xEF\xBB\xBFx1,x2,y\n0.5,-1,1\n2,3,0\n");
  file("empty.csv", "");
  file("header_only.csv", "x1,x2,y\n");
  file("ragged.csv", "x1,x2,y\n0.5,-1,1\n2,0\n");
  file("text.csv", "x1,x2,y\n0.5,abc,1\n");
  file("inf.csv", "x1,x2,y\n0.5,inf,1\n");
  file("blank.csv", "x1,x2,y\n0.5,1,1\n\n2,3,0\n");
  file("y2.csv", "x1,x2,y\n0.5,1,1\n2,3,2\n");
  file("yhalf.csv", "x1,x2,y\n0.5,1,0.5\n2,3,0\n");
  file("same.csv", "x1,x2,y\n0.5,1,1\n2,3,1\n");
  file("one.csv", "x1,x2,y\n0.5,1,1\n");
  file("noheader.csv", "0.5,1,1\n");
  file("previous.json", "previous\n");
  file("broken.json", "{\"claims\": [\n");
  // Issue 12: special files as outputs (items 2-4) and inputs (item 7), divergence (item 11).
  namespace fs = std::filesystem;
  fs::create_directories(d + "/dir");
  fs::create_directories(d + "/figs/training.dat");  // a directory where a figure goes
  file("figs/gradients.dat", "previous\n");
  fs::create_symlink(d + "/previous.json", d + "/link.json");
  ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);
  if (::geteuid() == 0) {
    ASSERT_EQ(::mknod((d + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  }
  file("gradaudit-out.json.tmp-gradaudit", "someone else's\n");
  fs::create_directories(d + "/r.json.tmp-gradaudit");  // the old fixed name, even a directory
  file("long.csv", "x1,x2,y\n0.5,-1,1\n" + std::string((1 << 20) + 1, '1') + "\n");
  file("pos.csv", "x1,x2,y\n1,2,1\n3,4,1\n");
  const std::vector<bad_input> table{
      // eval: numbers at and beyond the domains
      {"eval sigmoid", "nan\ninf\n-inf\n-0\n4.9e-324\n1.7976931348623157e308\n", 0, ""},
      {"eval sigmoid", "0\nabc\n1\n", 1, "line 2: 'abc' is not a number"},
      {"eval sigmoid", "\n", 1, "line 1"},
      {"eval bce --y 1", "-1e-300\n", 1, "line 1: bce: yhat = -1e-300 is outside [0, 1]"},
      {"eval bce --y 0", "1.0000000000000002\n", 1,
       "bce: yhat = 1.0000000000000002 is outside [0, 1]"},
      {"eval bce --y 2", "0.5\n", 2, "--y: '2' is not a finite number in [0, 1]"},
      {"eval bce --y 2", "", 2, "--y"},       // refused before reading the input (none here),
      {"eval bce --y 0.5", "0.25\n", 0, ""},  // a soft target is in the domain
      {"eval bce_grad --y 1", "0\n", 0, ""},  // -inf, the one-sided limit
      {"eval cosine", "", 2, "cosine"},
      {"eval sigmoid --y", "", 2, "--y"},
      {"eval sigmoid --y abc", "", 2, "--y"},
      {"eval", "", 2, "function is required"},
      // train: shapes
      {"train --layers 3,1 --samples 10", "", 2,
       "the data has 2 features but the network takes 3 inputs"},
      {"train --layers 2,0,1", "", 2, "--layers: '0' is not an integer in [1, 100000]"},
      {"train --layers 2", "", 2, "--layers"},
      {"train --layers 2,1 --samples 0", "", 2,
       "--samples: '0' is not an integer in [1, 100000000]"},
      {"train --layers 2,100000,100000,1", "", 2,
       "has 10000500001 weights and biases; the limit is 1e8"},
      {"train --layers 2,1 --samples 1 --epochs 3", "", 0, "on 1 samples"},
      {"train --layers 2,1 --data DATA/same.csv --epochs 3", "", 0, "on 2 samples"},
      {"train --layers 2,1 --data DATA/one.csv --epochs 3", "", 0, "on 1 samples"},
      // train: training options
      {"train --layers 2,1 --samples 10 --epochs 0", "", 0, "0 epochs"},
      {"train --layers 2,1 --samples 5 --epochs 1 --seed 18446744073709551615", "", 0,
       "on 5 samples"},  // 64-bit seeds
      {"train --layers 2,1 --samples 5 --epochs 1 --seed -1", "", 2,
       "--seed: '-1' is not an integer in [0, 18446744073709551615]"},
      {"train --layers 2,1 --epochs -1", "", 2, "--epochs: '-1'"},
      {"train --layers 2,1 --lr -1", "", 2,
       "--lr: '-1' is not a finite number in [5e-324, 1.7976931348623157e+308]"},
      {"train --layers 2,1 --lr nan", "", 2, "--lr: 'nan'"},
      {"train --layers 2,1 --activation identity --loss mse --lr 1e200 --epochs 50 --json "
       "OUT/previous.json",
       "", 1, "step "},
      {"train --layers 2,1 --init-weight constant:", "", 2, "initializer 'constant:'"},
      {"train --layers 2,1 --init-weight uniform:-1", "", 2, "the scale must be >= 0"},
      {"train --layers 2,1 --init-bias normal:abc", "", 2, "'abc' is not a finite number"},
      {"train --layers 2,1 --init-weight magic", "", 2, "initializer 'magic'"},
      {"train --layers 2,1 --activation softsign", "", 2, "activation 'softsign'"},
      {"train --layers 2,1 --loss hinge", "", 2, "loss 'hinge'"},
      {"train --layers 2,1 --activation identity --loss bce", "", 2,
       "loss bce needs a sigmoid output layer"},
      // train: files
      {"train --layers 2,1 --data DATA/missing.csv", "", 1, "cannot read DATA/missing.csv"},
      {"train --layers 2,1 --data DATA/empty.csv", "", 1, "empty file"},
      {"train --layers 2,1 --data DATA/header_only.csv", "", 1, "no data rows after the header"},
      {"train --layers 2,1 --data DATA/noheader.csv", "", 1,
       "line 1: the header must name the features and end with y"},
      {"train --layers 2,1 --data DATA/ragged.csv", "", 1, "line 3: 2 cells, the header has 3"},
      {"train --layers 2,1 --data DATA/text.csv", "", 1,
       "line 2: column x2: 'abc' is not a number"},
      {"train --layers 2,1 --data DATA/inf.csv", "", 1, "line 2: column x2: inf is not finite"},
      {"train --layers 2,1 --data DATA/blank.csv", "", 1, "line 3: blank line"},
      {"train --layers 2,1 --data DATA/y2.csv", "", 1,
       "line 3: y = 2 is outside [0, 1], which loss bce needs"},
      {"train --layers 2,1 --data DATA/yhalf.csv --epochs 2", "", 0, ""},
      {"train --layers 2,1 --data DATA/crlf.csv --epochs 2", "", 0, "on 2 samples"},
      {"train --layers 2,1 --data DATA/bom.csv --epochs 2", "", 0, "on 2 samples"},
      {"train --layers 2,1 --json /no/such/dir/out.json", "", 2,
       "--json: '/no/such/dir/out.json': its directory"},
      // train: command line
      {"train --layers 2,1 --bogus", "", 2, "The following argument was not expected: --bogus"},
      {"train --layers", "", 2, "--layers: 1 required TEXT missing"},
      {"train --layers 2,1 --epochs 1 --epochs 2", "", 2, "--epochs"},
      // audit
      {"audit --cases 0", "", 2, "--cases: '0' is not an integer in [1, 100000000]"},
      {"audit --cases many", "", 2, "--cases: 'many'"},
      {"audit --seed -1", "", 2, "--seed: '-1' is not an integer in [0, 18446744073709551615]"},
      {"audit --seed 1 --seed 2", "", 2, "--seed: At Most 1 required but received 2"},
      {"audit --only no.such.claim", "", 2, "no claim 'no.such.claim'"},
      {"audit --json", "", 2, "--json: 1 required FILE missing"},
      {"audit --frobnicate", "", 2, "The following argument was not expected: --frobnicate"},
      {"audit --json /no/such/dir/r.json", "", 2, "its directory '/no/such/dir' does not exist"},
      {"audit --markdown OUT/r.md --markdown OUT/s.md", "", 2,
       "--markdown: At Most 1 required but received 2"},
      // outputs (issue 12 items 2-4): checked before any work, exit 2 naming option and value
      {"audit --only sigmoid.definition --json OUT/d.out --markdown OUT/d.out", "", 2,
       "--markdown 'OUT/d.out' is the same file as --json 'OUT/d.out'"},
      {"audit --only sigmoid.definition --json OUT/d.out --markdown OUT/dir/../d.out", "", 2,
       "is the same file as"},
      {"audit --only sigmoid.definition --json OUT/previous.json --junit OUT/link.json", "", 2,
       "--junit: 'OUT/link.json' is a symbolic link"},
      {"audit --only sigmoid.definition --json OUT/dir", "", 2, "--json: 'OUT/dir' is a directory"},
      {"audit --only sigmoid.definition --json OUT/new/", "", 2, "--json: 'OUT/new/'"},
      {"audit --only sigmoid.definition --json ''", "", 2, "--json: the file name is empty"},
      {"audit --only sigmoid.definition --junit ''", "", 2, "--junit: the file name is empty"},
      {"audit --only sigmoid.definition --figures ''", "", 2,
       "--figures: the directory name is empty"},
      {"audit --only sigmoid.definition --figures OUT/previous.json", "", 2,
       "is a regular file, not a directory"},
      {"audit --only sigmoid.definition --figures OUT/figs", "", 2,
       "--figures: 'OUT/figs/training.dat' is a directory"},
      {"audit --only sigmoid.definition --figures OUT/no/such", "", 2,
       "its directory 'OUT/no' does not exist"},
      {"audit --only sigmoid.definition --json OUT/fifo", "", 2, "--json: 'OUT/fifo' is a FIFO"},
      {"audit --only sigmoid.definition --json /dev/null", "", 2,
       "--json: '/dev/null' is a character device"},
      {"audit --only sigmoid.definition --json /dev/full", "", 2,
       "--json: '/dev/full' is a character device"},
      {"audit --only sigmoid.definition --json OUT/previous.json/x", "", 2,
       "--json: 'OUT/previous.json/x'"},
      {"report merge DATA/previous.json --json OUT/dir", "", 2, "--json: 'OUT/dir' is a directory"},
      {"report merge DATA/previous.json --json OUT/a --junit OUT/a", "", 2, "is the same file as"},
      {"train --layers 2,1 --json OUT/link.json", "", 2,
       "--json: 'OUT/link.json' is a symbolic link"},
      {"train --layers 2,1 --json OUT/fifo", "", 2, "--json: 'OUT/fifo' is a FIFO"},
      {"train --layers 2,1 --json ''", "", 2, "--json: the file name is empty"},
      {"check --json OUT/dir -- 'x = x'", "", 2, "--json: 'OUT/dir' is a directory"},
      // inputs (item 7): a read error is exit 1; a line over 1 MiB fails naming its number
      {"train --layers 2,1 --data DATA/dir", "", 1, "cannot read DATA/dir: it is a directory"},
      {"train --layers 2,1 --data DATA/long.csv", "", 1,
       "DATA/long.csv, line 3: longer than 1048576 bytes"},
      {"eval sigmoid", "0\n" + std::string((1 << 20) + 1, '1') + "\n", 1,
       "line 2: longer than 1048576 bytes"},
      {"eval sigmoid", "0\n" + std::string(1 << 20, '0') + "\n", 0,
       ""},  // exactly the limit: a number
      // training (item 11): every tensor checked every step, the cause named by the step
      {"train --data DATA/pos.csv --layers 2,1 --loss mse --activation relu --lr 1e308 "
       "--init-weight constant:0.5 "
       "--init-bias constant:0.5 --epochs 3 --json OUT/r.json",
       "", 1, "(learning rate 1e+308 too large?)"},
      {"train --layers 2,1 --samples 10 --init-weight uniform:1e308", "", 1,
       "step 0, before any update: the initial layer 0 weight (0, 0) is"},
      {"train --layers 2,1 --samples 10 --activation identity --loss mse --init-weight "
       "constant:1e300 --lr 1e-300",
       "", 1,
       "step 0: the loss is inf (step 0, before any update: the initial parameters are the cause)"},
      // report merge
      {"report", "", 2, "A subcommand is required"},
      {"report split", "", 2, "unknown subcommand 'split' (known: merge)"},
      {"report merge", "", 2, "no input reports"},
      {"report merge DATA/missing.json", "", 1, "cannot read DATA/missing.json"},
      {"report merge /dev/zero", "", 1,
       "/dev/zero: larger than 64 MiB, the limit of a report"},  // (grew without bound)
      {"report merge DATA/dir", "", 1, "cannot read DATA/dir: it is a directory"},
      {"report merge DATA/broken.json", "", 1, "DATA/broken.json: parse error at line 2, column 1"},
      {"report merge DATA/ok.csv", "", 1, "DATA/ok.csv: parse error at line 1, column 1"},
      {"report merge DATA/previous.json --frob", "", 2,
       "The following argument was not expected: --frob"},
      // the executable
      {"frobnicate", "", 2, "unknown command 'frobnicate'"},
      {"", "", 2, "usage"},
  };
  auto expand = [&](std::string s) {
    for (const std::string key : {"DATA/", "OUT/"})
      for (auto p = s.find(key); p != std::string::npos; p = s.find(key, p))
        s.replace(p, key.size(), d + "/");
    return s;
  };
  for (const auto& t : table) {
    std::string out;
    const int code = run_exe(expand(t.args), t.stdin_text, &out);
    EXPECT_EQ(code, t.code) << t.args << "\n" << out;
    EXPECT_NE(out.find(expand(t.message)), std::string::npos)
        << t.args << "\nwanted: " << t.message << "\ngot: " << out;
  }
  // No failed run left a file or a temporary behind, or touched the previous report.
  EXPECT_EQ(read_file(d + "/previous.json"), "previous\n");
  EXPECT_EQ(temporaries_in(d), "");
  EXPECT_FALSE(std::filesystem::exists(d + "/r.md"));
  EXPECT_FALSE(std::filesystem::exists(d + "/r.json"));
  EXPECT_FALSE(std::filesystem::exists(d + "/d.out"));
  EXPECT_TRUE(fs::is_symlink(d + "/link.json"));
  EXPECT_EQ(fs::status(d + "/fifo").type(), fs::file_type::fifo);
  EXPECT_EQ(read_file(d + "/figs/gradients.dat"), "previous\n");  // no figure replaced
  EXPECT_EQ(read_file(d + "/gradaudit-out.json.tmp-gradaudit"), "someone else's\n");
  EXPECT_TRUE(fs::is_directory(d + "/r.json.tmp-gradaudit"));
  if (::geteuid() == 0) {  // a copy of /dev/null made with mknod is refused, not replaced
    std::string out;
    EXPECT_EQ(run_exe("audit --only sigmoid.definition --json " + d + "/null", "", &out), 2) << out;
    EXPECT_NE(out.find("is a character device"), std::string::npos) << out;
    EXPECT_EQ(fs::status(d + "/null").type(), fs::file_type::character);
  }
  std::filesystem::remove_all(d);
}

}  // namespace

namespace {

namespace ga = gradaudit::audit;

// Issue 12 item 8: one number rule for every command-line number: the whole text, no blanks,
// no '+', no empty list item.
TEST(Numbers, OneStrictRule) {
  EXPECT_EQ(ga::parse_integer("12"), 12);
  EXPECT_EQ(ga::parse_integer("-3"), -3);
  for (const char* bad : {"", " 2", "2 ", "+2", "2x", "0x10", "1e3", "--2"})
    EXPECT_FALSE(ga::parse_integer(bad)) << bad;
  EXPECT_EQ(ga::parse_unsigned("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(ga::parse_unsigned("-1"));
  EXPECT_FALSE(ga::parse_unsigned("18446744073709551616"));
  EXPECT_EQ(ga::parse_real("0.1"), 0.1);
  EXPECT_EQ(ga::parse_real("-0x1p-1"), -0.5);
  EXPECT_EQ(ga::parse_real("1e-3"), 1e-3);
  for (const char* bad : {"", " 0.1", "0.1 ", "+0.1", "0.1x", "--1", "-+1", "0x", "-0x-1p0"})
    EXPECT_FALSE(ga::parse_real(bad)) << bad;
  EXPECT_EQ(ga::strip_blanks(" \t0.5 \r"), "0.5");
  EXPECT_EQ(ga::integer_list_option("--layers", "2,8,1", 1, 9), (std::vector<long long>{2, 8, 1}));
  for (const char* bad : {"2,1,", ",2,1", " 2,1", "2 ,1", "2, 1", "+2,1", "2,,1"})
    EXPECT_THROW(ga::integer_list_option("--layers", bad, 1, 9), ga::usage_error) << bad;
}

TEST(Numbers, TheCommandLinesFollowIt) {
  for (const std::string layers : {"'2,1,'", "' 2,1'", "'2, 1'", "+2,1", "',2,1'", "'2 ,1'"}) {
    std::string out;
    EXPECT_EQ(run_exe("train --epochs 1 --samples 5 --layers " + layers, "", &out), 2)
        << layers << "\n"
        << out;
    EXPECT_NE(out.find("--layers: '"), std::string::npos) << out;
  }
  for (const std::string lr : {"' 0.1'", "'0.1 '", "+0.1"}) {
    std::string out;
    EXPECT_EQ(run_exe("train --epochs 1 --samples 5 --layers 2,1 --lr " + lr, "", &out), 2)
        << lr << "\n"
        << out;
  }
  std::string out;
  EXPECT_EQ(run_exe("train --epochs 1 --samples 5 --layers 2,1 --lr 0x1p-4", "", &out), 0) << out;
  EXPECT_EQ(run_exe("audit --cases ' 5'", "", &out), 2) << out;
}

// Issue 12 item 8: options are checked before the input is read.
TEST(Eval, BadTargetIsRefusedBeforeReadingInput) {
  const auto r = eval({"bce", "--y", "2"}, "");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(eval({"bce", "--y", "nan"}, "").code, 2);
}

// Issue 12 item 15: echoed input is escaped and cut.
TEST(Messages, EscapeControlBytesAndCutLongValues) {
  EXPECT_EQ(ga::quoted("x\r"), "'x\\r'");
  EXPECT_EQ(ga::quoted(std::string("a\x1b[31mb\0c", 9)), "'a\\x1B[31mb\\x00c'");
  EXPECT_EQ(ga::quoted("\xff\xfe ok \xc3\xa9"), "'\\xFF\\xFE ok \xc3\xa9'");
  EXPECT_EQ(ga::quoted("\xe2\x82"), "'\\xE2\\x82'");  // a truncated character
  const std::string longer(10 << 20, '7');
  const std::string q = ga::quoted(longer);
  EXPECT_LT(q.size(), 300u);
  EXPECT_NE(q.find("(10485760 bytes)"), std::string::npos) << q;
  EXPECT_EQ(ga::printable("bad \x1b line\n"), "bad \\x1B line\n");
  EXPECT_EQ(
      ga::nearest("sigmoid.definitoin", {"mse.grad", "sigmoid.definition", "sigmoid.derivative"}),
      "sigmoid.definition");
}

TEST(Messages, EvalEchoesBadLinesSafely) {
  const auto crlf = eval({"sigmoid"}, "x\r\n");
  EXPECT_NE(crlf.err.find("line 1: 'x\\r' is not a number"), std::string::npos)
      << crlf.err;  // the CR shown
  const auto esc = eval({"sigmoid"}, std::string("1\x1b[2J\0\xff\n", 9));
  EXPECT_NE(esc.err.find("'1\\x1B[2J\\x00\\xFF'"), std::string::npos) << esc.err;
  EXPECT_EQ(esc.err.find('\x1b'), std::string::npos);
  // The longest line there may be (1 MiB, the limit) gives a short message.
  const auto huge = eval({"sigmoid"}, std::string(1 << 20, 'z') + "\n");
  EXPECT_EQ(huge.code, 1);
  EXPECT_LT(huge.err.size(), 1000u);
  EXPECT_NE(huge.err.find("(1048576 bytes)"), std::string::npos) << huge.err;
}

TEST(Messages, UnknownIdSuggestsTheNearest) {
  std::string out;
  EXPECT_EQ(run_exe("audit --only sigmoid.definitoin", "", &out), 2);
  EXPECT_NE(out.find("no claim 'sigmoid.definitoin'; did you mean 'sigmoid.definition'?"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("mse.grad_yhat"), std::string::npos) << "lists every id:\n" << out;
}

// Issue 12 item 12: no case run is no evidence.
TEST(Audit, ZeroCasesIsInconclusive) {
  std::string out;
  EXPECT_EQ(
      run_exe("audit --only sigmoid.derivative.middle_step", "", &out, "RC_PARAMS=max_success=0"),
      1)
      << out;
  EXPECT_NE(out.find("inconclusive  sigmoid.derivative.middle_step  (0 cases ran)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("holds"), std::string::npos) << out;
}

// Issue 12 item 9: seeds are 64-bit integers end to end.
TEST(Audit, EverySeedItPrintsIsOneItTakes) {
  std::string out;
  const std::string id = " --only sigmoid.derivative.identity --cases 5";
  ASSERT_EQ(run_exe("audit" + id, "", &out, "RC_PARAMS=seed=-1"), 0) << out;
  const auto at = out.find("replay with --seed ");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string seed = out.substr(at + 19, out.find(')', at) - at - 19);
  EXPECT_EQ(run_exe("audit --seed " + seed + id, "", &out), 0) << seed << "\n" << out;
  EXPECT_EQ(run_exe("audit --seed 18446744073709551615" + id, "", &out), 0) << out;
}

TEST(ReportMerge, SeedsAreReadExactly) {
  const std::string d = fresh_dir("gradaudit_merge_seeds");
  std::string out;
  const std::string id = " --only sigmoid.derivative.identity --cases 5";
  ASSERT_EQ(run_exe("audit --seed 9007199254740993 --json " + d + "/a.json" + id, "", &out), 0)
      << out;
  ASSERT_EQ(run_exe("audit --seed 9007199254740992 --json " + d +
                        "/b.json --only sigmoid.definition --cases 5",
                    "", &out),
            0)
      << out;
  EXPECT_EQ(run_exe("report merge " + d + "/a.json " + d + "/b.json", "", &out), 1);
  EXPECT_NE(out.find("has seed 9007199254740992"), std::string::npos) << out;
  ASSERT_EQ(run_exe("report merge " + d + "/a.json --json " + d + "/m.json", "", &out), 0) << out;
  EXPECT_NE(read_file(d + "/m.json").find("\"seed\": 9007199254740993,"), std::string::npos);
  std::filesystem::remove_all(d);
}

/// `text` with the first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// Issue 12 item 10: crafted reports are refused, naming the member.
TEST(ReportMerge, RefusesCraftedReports) {
  const std::string d = fresh_dir("gradaudit_merge_crafted");
  std::string out;
  ASSERT_EQ(run_exe("audit --only sigmoid.derivative.identity --cases 5 --json " + d + "/a.json",
                    "", &out),
            0)
      << out;
  const std::string a = read_file(d + "/a.json");
  const struct {
    std::string from, to, message;
  } crafted[]{
      {"\"cases\": 5,\n      \"inconclusive_cases\"",
       "\"cases\": 2147483648,\n      \"inconclusive_cases\"",
       "claim 'sigmoid.derivative.identity': \"cases\" is 2147483648, not an integer in [0, "
       "2147483647]"},
      {"\"verdict\": \"holds\",", "\"verdict\": \"holds\", \"verdict\": \"refuted\",",
       "duplicate key \"verdict\""},
      {"\"claims\": [", "\"claims\": [], \"claims\": [", "duplicate key \"claims\""},
      {"\"seed\": 20240614", "\"seed\": -1",
       "\"seed\" is -1, not an integer in [0, 18446744073709551615]"},
      {"\"seed\": 20240614", "\"seed\": 9007199254740993.0",
       "\"seed\" is 9.007199254740992e+15, not an integer"},
  };
  int k = 0;
  for (const auto& c : crafted) {
    const std::string f = d + "/c" + std::to_string(k++) + ".json";
    std::ofstream(f) << replaced(a, c.from, c.to);
    EXPECT_EQ(run_exe("report merge " + f, "", &out), 1) << c.to;
    EXPECT_NE(out.find(c.message), std::string::npos) << c.to << "\n" << out;
  }
  // Negative times, in a claim and in the summary.
  std::string neg = a;
  for (auto p = neg.find("\"seconds\": "); p != std::string::npos;
       p = neg.find("\"seconds\": ", p + 1))
    neg.insert(p + 11, "-");
  std::ofstream(d + "/neg.json") << neg;
  EXPECT_EQ(run_exe("report merge " + d + "/neg.json", "", &out), 1);
  EXPECT_NE(out.find("\"seconds\" is -"), std::string::npos) << out;
  std::filesystem::remove_all(d);
}

// Issue 14 item 2: a claim without an expected verdict is reported, never failed.
TEST(Reports, AClaimWithoutExpectationIsReportedNotFailed) {
  gradaudit::testing::claim c{
      .id = "mine.refuted", .section = "mine", .quote = "q", .statement = "s"};
  gradaudit::testing::claim_result r;
  r.c = &c;
  r.observed = gradaudit::testing::verdict::refuted;
  r.as_stated.ran = true;
  r.as_stated.cases = 1;
  EXPECT_TRUE(r.matches());
  const ga::tally t = ga::count({r});
  EXPECT_EQ(t.differ_from_expected, 0);
  EXPECT_EQ(gradaudit::testing::summary_line(r).find("[expected"), std::string::npos);
  ga::program_info info{.name = "my_audit", .command = "build/my_audit", .source = "my project"};
  std::ostringstream js, md, xml;
  ga::write_json(js, {r}, {}, info);
  ga::write_markdown(md, {r}, {}, info);
  ga::write_junit(xml, {r}, {});
  EXPECT_NE(js.str().find("\"expected\": null"), std::string::npos) << js.str();
  EXPECT_NE(js.str().find("\"differ_from_expected\": 0"), std::string::npos) << js.str();
  EXPECT_NE(js.str().find("\"property\": null"), std::string::npos) << js.str();
  EXPECT_EQ(md.str().find("(expected"), std::string::npos) << md.str();
  EXPECT_NE(md.str().find("Every claim of my project,"), std::string::npos) << md.str();
  EXPECT_EQ(md.str().find("article"), std::string::npos) << md.str();
  EXPECT_NE(md.str().find("Replay: `RC_PARAMS=\"\" build/my_audit audit --only mine.refuted`"),
            std::string::npos)
      << md.str();
  EXPECT_NE(xml.str().find("failures=\"0\""), std::string::npos) << xml.str();
  EXPECT_EQ(xml.str().find("<failure"), std::string::npos) << xml.str();
}

// Issue 14 item 4: the reader takes back what the writer writes, doubles exactly, and refuses
// duplicate keys and negative times in the summary.
TEST(Reports, SummaryReadsBackExactly) {
  ga::report_meta meta;
  meta.seed = UINT64_MAX;
  meta.cases = 7;
  meta.seconds = 0.1 + 0.2;
  std::ostringstream js;
  ga::write_json(js, {}, meta, {});
  const auto back = ga::parse_json_report(js.str(), "r.json");
  EXPECT_EQ(back.meta.seed, UINT64_MAX);
  EXPECT_EQ(back.meta.seconds, 0.1 + 0.2);
  auto message = [](const std::string& doc) {
    try {
      (void)ga::parse_json_report(doc, "f.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(replaced(js.str(), "\"cases\": 7", "\"cases\": 7, \"cases\": 8")),
            "f.json: duplicate key \"cases\"");
  EXPECT_EQ(message(replaced(js.str(), "\"seconds\": ", "\"seconds\": -")).substr(0, 25),
            "f.json: \"seconds\" is -0.3");
  EXPECT_EQ(message(replaced(js.str(), "\"cases\": 7,", "")), "f.json: missing member \"cases\"");
  EXPECT_EQ(message(std::string(300, '[')), "f.json: nested deeper than 32");
  // Found by fuzz_json: a number beyond the doubles is nlohmann's out_of_range, not parse_error.
  EXPECT_EQ(message("[2e308]"), "f.json: number overflow parsing '2e308'");
}

}  // namespace

namespace {

// Issue 14 item 1: the replay line of a report (`RC_PARAMS="…" <program> audit --only <id>`)
// replays the counterexample through the audit itself.
TEST(Audit, ReplayThroughTheAuditGivesTheSameCounterexample) {
  const std::string d = fresh_dir("gradaudit_replay");
  std::string first, again;
  ASSERT_EQ(run_exe("audit --only mse.grad_yhat --cases 30 --json " + d + "/r.json", "", &first), 0)
      << first;
  const std::string json = read_file(d + "/r.json");
  const auto at = json.find("\"reproduce\": \"");
  ASSERT_NE(at, std::string::npos) << json;
  const std::string reproduce = json.substr(at + 14, json.find('"', at + 14) - at - 14);
  ASSERT_EQ(
      run_exe("audit --only mse.grad_yhat --seed 1", "", &again, "RC_PARAMS='" + reproduce + "'"),
      0)
      << again;
  const auto line = [](const std::string& out) {
    const auto p = out.find("refuted  mse.grad_yhat");
    return p == std::string::npos ? std::string("(none)") : out.substr(p, out.find('\n', p) - p);
  };
  EXPECT_EQ(line(again), line(first));
  std::filesystem::remove_all(d);
}

}  // namespace

namespace {

// Issue 12, item 14: --figures named a directory that went into a shell command line, so a
// quote in it ran commands. gnuplot (a stand-in script here) is now started with an argument
// vector in that directory: the name is only a name.
TEST(Figures, ADirectoryNameIsNeverShellSyntax) {
  const std::string d = fresh_dir("gradaudit_figures_injection");
  std::ofstream(d + "/gnuplot") << "#!/bin/sh\nexit 0\n";
  std::filesystem::permissions(d + "/gnuplot", std::filesystem::perms::owner_all);
  const std::string evil = d + "/z'; touch " + d + "/PWNED; echo '";
  std::filesystem::create_directories(
      std::filesystem::path(evil).parent_path());  // the folder it goes in must exist
  std::string out;
  const int status = run_exe("audit --only sigmoid.definition --cases 5 --figures \"" + evil + "\"",
                             "", &out, "PATH=" + d + ":/usr/bin:/bin");
  EXPECT_EQ(status, 0) << out;
  EXPECT_FALSE(std::filesystem::exists(d + "/PWNED")) << out;
  EXPECT_TRUE(std::filesystem::exists(evil + "/figures.gp")) << out;
}

}  // namespace

namespace {

// gradaudit check: a formula with its clauses in either order, one starting with '-' after '--',
// a bad formula as one line with its column (exit 1), a bad option (exit 2).
TEST(Check, FormulaClaimsFromTheCommandLine) {
  std::string out;
  EXPECT_EQ(run_exe("check 'd/dz softplus(z) = sigmoid(z)' --where 'z in [-745, 745]'", "", &out),
            0)
      << out;
  EXPECT_NE(out.find("holds  formula"), std::string::npos) << out;
  EXPECT_EQ(run_exe("check --where 'x in [0, 1]' -- '-x = -x'", "", &out), 0) << out;
  EXPECT_NE(out.find("holds  formula"), std::string::npos) << out;
  EXPECT_EQ(
      run_exe("check 'd/dx sigmoid(x) = -sigmoid(x)(1 - sigmoid(x))' --where 'x in [-40, 40]'", "",
              &out),
      0)
      << out;
  EXPECT_NE(out.find("refuted  formula"), std::string::npos) << out;
  EXPECT_EQ(run_exe("check 'd/dz (y - \\hat{y' --where 'z in [0, 1]'", "", &out), 1) << out;
  EXPECT_NE(out.find("column 17: expected '}'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("check 'x = x' --where 'x in [0, 1]' --bogus", "", &out), 2) << out;
}

}  // namespace

namespace {

/// The command of a Markdown report's regenerate line, after "regenerate with\n`", or "".
std::string regenerate_command(const std::string& md) {
  const std::string before = "regenerate with\n`";
  const auto at = md.find(before);
  if (at == std::string::npos) return "";
  const auto begin = at + before.size();
  return md.substr(begin, md.find('`', begin) - begin);
}

// The Markdown report of `check` regenerates with the check command that wrote it (issue 14: the
// line said `gradaudit audit …`, which audits the article instead): the line, run as it stands,
// writes the same report, for a claims file and for a formula starting with '-'. Its replay
// line runs that check too.
TEST(Check, MarkdownRegeneratesWithTheCheckCommand) {
  const std::string dir = fresh_dir("gradaudit_check_regenerate");
  const std::string toml = dir + "/c.toml";
  std::ofstream(toml) << "[[claim]]\nid = \"c.identity\"\nformula = \"d/dx sigmoid(x) = "
                         "sigmoid(x)(1 - sigmoid(x))\"\n"
                         "where = [\"x in [-40, 40]\"]\n\n[[claim]]\nid = \"c.wrong\"\n"
                         "formula = \"d/dx sigmoid(x) = -sigmoid(x)(1 - sigmoid(x))\"\nwhere = "
                         "[\"x in [-40, 40]\"]\n";
  for (const std::string& subject :
       {"'" + toml + "'", std::string("--where 'x in [0, 1]' -- '-x = -x'")}) {
    std::string out;
    ASSERT_EQ(run_exe("check --seed 7 --cases 20 --markdown " + dir + "/a.md " + subject, "", &out),
              0)
        << out;
    const std::string md = read_file(dir + "/a.md");
    const std::string command = regenerate_command(md);
    ASSERT_EQ(command.rfind("gradaudit check ", 0), 0u) << md;
    EXPECT_NE(command.find(" --seed 7 --cases 20 --markdown " + dir + "/a.md"), std::string::npos)
        << command;
    std::filesystem::remove(dir + "/a.md");
    ASSERT_EQ(run_exe(command.substr(std::string("gradaudit ").size()), "", &out), 0)
        << command << "\n"
        << out;
    EXPECT_EQ(read_file(dir + "/a.md"), md) << command;
  }
  // The replay line runs the same check (not `audit --only`, which knows no such claim) and
  // replays the counterexample.
  std::string out;
  ASSERT_EQ(
      run_exe("check --seed 7 --cases 20 --markdown " + dir + "/b.md '" + toml + "'", "", &out), 0)
      << out;
  const std::string b = read_file(dir + "/b.md");
  const std::string replay = "Replay: `RC_PARAMS=\"";
  const auto at = b.find(replay);
  ASSERT_NE(at, std::string::npos) << b;
  const std::string line =
      b.substr(at + 9, b.find('`', at + 9) - at - 9);  // RC_PARAMS="…" gradaudit check '…'
  EXPECT_NE(line.find("\" gradaudit check '" + toml + "'"), std::string::npos) << line;
  const std::string env = line.substr(0, line.find("\" gradaudit ") + 1);
  const std::string args =
      line.substr(line.find("gradaudit check ") + std::string("gradaudit ").size());
  ASSERT_EQ(run_exe(args, "", &out, env), 0) << out;
  EXPECT_NE(out.find("refuted  c.wrong  (counterexample x = 0"), std::string::npos) << out;
  EXPECT_NE(out.find("Using configuration: reproduce="), std::string::npos) << out;
}

/// Runs `shell_command` (sh -c) with the executable as $G and the environment cleared of
/// sharding; returns its exit status and its standard error in `err`.
int run_shell(const std::string& shell_command, std::string* err = nullptr) {
  static int calls = 0;
  const std::string errf = testing::TempDir() + "gradaudit_sh_err_" + std::to_string(::getpid()) +
                           "_" + std::to_string(++calls) + ".txt";
  const std::string cmd = "env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX G='" +
                          std::string(GRADAUDIT_EXE) + "' sh -c '" + shell_command + "' 2>" + errf;
  const int status = std::system(cmd.c_str());
  if (err) *err = read_file(errf);
  std::remove(errf.c_str());
  return WEXITSTATUS(status);
}

std::size_t line_count(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Issue 12 item 6 (failed before: audit, train and report merge exited 0 on /dev/full and a
// closed stdout, and `>&-` wrote the terminal lines into the JSON report).
TEST(StandardStreams, AFailedOrClosedStandardOutputIsExitOne) {
  const std::string d = fresh_dir("gradaudit_stdout");
  ASSERT_EQ(
      run_shell("$G audit --only sigmoid.definition --cases 5 --json " + d + "/ok.json >/dev/null"),
      0);
  for (const std::string& cmd : std::vector<std::string>{
           "$G audit --only sigmoid.definition --cases 5 --json " + d + "/sc.json",
           "$G train --layers 2,1 --samples 5 --epochs 1", "$G report merge " + d + "/ok.json",
           "echo 0 | $G eval sigmoid", "$G check --cases 5 --where \"z in [-1, 1]\" \"z = z\"",
           "$G --help"}) {
    for (const char* redirect : {" >/dev/full", " >&-"}) {
      std::string err;
      EXPECT_EQ(run_shell(cmd + redirect, &err), 1) << cmd << redirect << "\n" << err;
      EXPECT_EQ(line_count(err), 1u) << cmd << redirect << "\n" << err;
      EXPECT_NE(err.find("cannot write standard output"), std::string::npos)
          << cmd << redirect << "\n"
          << err;
    }
  }
  EXPECT_FALSE(
      std::filesystem::exists(d + "/sc.json"));  // a run that could not report replaced nothing
  EXPECT_EQ(temporaries_in(d), "");
  std::filesystem::remove_all(d);
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool address_sanitizer = true;
#else
constexpr bool address_sanitizer = false;
#endif
#else
constexpr bool address_sanitizer = false;
#endif

// Issue 12 item 7 (failed before: `< DIR` and `<&-` were exit 0 with no output, /dev/zero
// grew without bound).
TEST(StandardStreams, AnUnreadableInputIsExitOne) {
  const std::string d = fresh_dir("gradaudit_stdin");
  std::string err;
  EXPECT_EQ(run_shell("$G eval sigmoid < " + d, &err), 1) << err;
  EXPECT_NE(err.find("cannot read standard input (Is a directory)"), std::string::npos) << err;
  EXPECT_EQ(run_shell("$G eval sigmoid <&-", &err), 1) << err;
  EXPECT_NE(err.find("cannot read standard input (it was closed)"), std::string::npos) << err;
  // One endless line: stops at the limit (ulimit -v: 1 GB of address space is plenty for it;
  // not under AddressSanitizer, which reserves terabytes of shadow address space at start).
  const std::string limit = address_sanitizer ? "" : "ulimit -v 1000000; ";
  EXPECT_EQ(run_shell(limit + "$G eval sigmoid < /dev/zero", &err), 1) << err;
  EXPECT_NE(err.find("line 1: longer than 1048576 bytes"), std::string::npos) << err;
  EXPECT_EQ(run_shell(limit + "$G train --layers 2,1 --data /dev/zero", &err), 1) << err;
  EXPECT_NE(err.find("/dev/zero, line 1: longer than 1048576 bytes"), std::string::npos) << err;
  std::filesystem::remove_all(d);
}

// Issue 12 item 5 (failed before: `| head -1` left p.json.tmp-gradaudit).
TEST(Signals, ABrokenPipeLeavesNoTemporary) {
  const std::string d = fresh_dir("gradaudit_sigpipe");
  std::string err;
  // The audit prints a line per claim; head exits after the first, the next write is SIGPIPE.
  const int code = run_shell(
      "$G audit --cases 50 --json " + d + "/p.json | (head -1 >/dev/null; sleep 2); exit 0", &err);
  EXPECT_EQ(code, 0) << err;
  EXPECT_FALSE(std::filesystem::exists(d + "/p.json")) << err;
  EXPECT_EQ(temporaries_in(d), "");
  std::filesystem::remove_all(d);
}

// Issue 12 item 2 (failed before: two trainings at once left invalid JSON; a pre-existing
// X.tmp-gradaudit was deleted).
TEST(Outputs, ConcurrentWritersEachWriteAWholeFile) {
  const std::string d = fresh_dir("gradaudit_concurrent");
  std::ofstream(d + "/tj.json.tmp-gradaudit") << "not ours\n";
  const std::string t =
      "$G train --layers 2,8,1 --samples 3000 --epochs 200 --threads 1 --json " + d + "/tj.json";
  std::string err;
  ASSERT_EQ(run_shell(t + " >/dev/null & " + t + " --seed 2 >/dev/null & wait %1 && wait %2", &err),
            0)
      << err;
  const auto j =
      nlohmann::ordered_json::parse(read_file(d + "/tj.json"));  // whole: one run's or the other's
  EXPECT_EQ(j["history"].size(), 200u);
  EXPECT_EQ(read_file(d + "/tj.json.tmp-gradaudit"), "not ours\n");
  EXPECT_EQ(temporaries_in(d), "");
  std::filesystem::remove_all(d);
}

// Issue 12 item 13 (failed before: 256 threads for 4 chunks).
TEST(Train, ThreadsAreCappedByTheChunks) {
  const std::string d = fresh_dir("gradaudit_threads");
  std::string out;
  // 3073 samples × 17 units: above train's parallel_work (40 000), so threads are used.
  ASSERT_EQ(run_exe("train --layers 2,16,1 --samples 3073 --epochs 3 --threads 256 --json " + d +
                        "/t.json",
                    "", &out),
            0)
      << out;
  const auto j = nlohmann::ordered_json::parse(read_file(d + "/t.json"));
  EXPECT_EQ(j["threads"], 4);  // ceil(3073 / 1024) chunks
  std::filesystem::remove_all(d);
}

// Issue 12 item 11 in the library: a non-finite bias gradient is caught (it was not), named by
// its tensor and step.
TEST(Train, EveryTensorIsCheckedEveryStep) {
  using namespace gradaudit;
  gradaudit::batch<double> data;
  data.x = gradaudit::matrix<double>::Ones(1, 2);
  data.y = gradaudit::matrix<double>::Ones(1, 2);
  auto net = network<double>::zeros({1, 1}, {activation::identity});
  net.layers[0].bias(0) = std::numeric_limits<double>::quiet_NaN();
  train_options o;
  o.loss = loss_function::mse;
  o.epochs = 2;
  try {
    (void)train(net, data, o);
    ADD_FAILURE() << "no error";
  } catch (const training_error& e) {
    EXPECT_STREQ(e.what(),
                 "step 0, before any update: the initial layer 0 bias 0 is nan: the initialisation "
                 "is the cause");
  }
  // The bias gradient alone non-finite, after some updates: named, with the learning rate hint.
  loss_gradient<double> g;
  g.loss = 0.25;
  g.weight = {gradaudit::matrix<double>::Zero(1, 1)};
  g.bias = {gradaudit::vector<double>::Constant(1, std::numeric_limits<double>::infinity())};
  try {
    detail::check_gradient(g, 3, 0.5);
    ADD_FAILURE() << "no error";
  } catch (const training_error& e) {
    EXPECT_STREQ(e.what(),
                 "step 3: the gradient of layer 0 bias 0 is inf (learning rate 0.5 too large?)");
  }
}

}  // namespace
