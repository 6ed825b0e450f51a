// The `gradaudit` command line: eval's output format, errors and exit codes, in-process and
// through the real executable; and eval's 1-ULP accuracy end to end.
#include "commands.hpp"

#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
  const auto ry = eval({"bce_logits", "--y", "2"}, "0\n");
  EXPECT_EQ(ry.code, 1);
  EXPECT_NE(ry.err.find("y = 2 is outside [0, 1]"), std::string::npos) << ry.err;
}

TEST(Eval, UsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"cosine"}, {}, {"bce"}, {"sigmoid", "--y", "1"}, {"bce", "--y"}, {"bce", "--y", "abc"},
           {"bce", "--y", "1", "--y", "0"}, {"sigmoid", "--frobnicate"}, {"sigmoid", "extra"},
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
      const double u = gradaudit::testing::ulp_distance(std::strtod(dl[i].c_str(), nullptr), ref_t(rl[i]));
      worst = std::max(worst, u);
      EXPECT_LE(u, 1.0) << f.name << " y=" << (f.y ? f.y : "-") << " at line " << i + 1 << ": " << dl[i]
                        << " vs " << rl[i];
    }
    std::cout << f.name << (f.y ? std::string(" y=") + f.y : std::string()) << ": max " << worst
              << " ULP over " << dl.size() << " inputs\n";
  }
}

// The executable itself: exit codes and streams.
int run_exe(const std::string& args, const std::string& input, std::string* out = nullptr) {
  // ctest runs the tests of this file as parallel processes: the files must not be shared.
  static int calls = 0;
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(++calls);
  const std::string in = testing::TempDir() + "gradaudit_cli_in_" + tag + ".txt";
  const std::string outf = testing::TempDir() + "gradaudit_cli_out_" + tag + ".txt";
  std::ofstream(in) << input;
  const std::string cmd = std::string(GRADAUDIT_EXE) + " " + args + " < " + in + " > " + outf + " 2>&1";
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

TEST(Train, WritesJsonWithTheRequiredFields) {
  const std::string json = testing::TempDir() + "gradaudit_train_" + std::to_string(::getpid()) + ".json";
  std::remove(json.c_str());
  std::string out;
  ASSERT_EQ(run_exe("train --layers 2,4,1 --samples 500 --epochs 5 --init-weight constant:0.5 --init-bias zeros --json " + json, "",
                    &out),
            0)
      << out;
  EXPECT_NE(out.find("distinct units per hidden layer: 1"), std::string::npos) << out;
  const std::string j = read_file(json);
  for (const char* key : {"\"final_loss\"", "\"train_seconds\"", "\"history\"", "\"layers\"", "\"initial_layers\"",
                          "\"weight\"", "\"bias\"", "\"distinct_units\": [1]"})
    EXPECT_NE(j.find(key), std::string::npos) << key;
  EXPECT_EQ(std::ifstream(json + ".tmp-gradaudit").good(), false);  // no temporary left
}

TEST(Train, SameSeedSameBytesWhateverTheThreads) {
  const std::string a = testing::TempDir() + "ga_a_" + std::to_string(::getpid()) + ".json",
                    b = testing::TempDir() + "ga_b_" + std::to_string(::getpid()) + ".json";
  ASSERT_EQ(run_exe("train --layers 2,3,1 --samples 3000 --epochs 20 --threads 1 --json " + a, ""), 0);
  ASSERT_EQ(run_exe("train --layers 2,3,1 --samples 3000 --epochs 20 --threads 2 --json " + b, ""), 0);
  auto strip_time = [](std::string s) {
    const auto p = s.find("\"train_seconds\"");
    return s.erase(p, s.find('\n', p) - p);
  };
  EXPECT_EQ(strip_time(read_file(a)), strip_time(read_file(b)));
}

TEST(Train, ErrorsNameTheArgumentAndLeaveNoFile) {
  std::string out;
  EXPECT_EQ(run_exe("train --layers 2,x,1", "", &out), 2);
  EXPECT_NE(out.find("--layers: 'x'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 3,1 --samples 10", "", &out), 2);
  EXPECT_NE(out.find("the data has 2 features but the network takes 3 inputs"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --lr nan", "", &out), 2);
  EXPECT_EQ(run_exe("train --layers 2,1 --init-weight constant:", "", &out), 2);
  EXPECT_NE(out.find("initializer 'constant:'"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --epochs 1 --epochs 2", "", &out), 2);
  EXPECT_EQ(run_exe("train --layers 2,1 --data /no/such/file.csv", "", &out), 1);
  EXPECT_NE(out.find("cannot read /no/such/file.csv"), std::string::npos) << out;
  EXPECT_EQ(run_exe("train --layers 2,1 --json /no/such/dir/out.json", "", &out), 1);
  EXPECT_NE(out.find("cannot write /no/such/dir/out.json"), std::string::npos) << out;
  // Divergence: a non-finite loss is an error naming the step, and the JSON is not written.
  const std::string json = testing::TempDir() + "gradaudit_diverge_" + std::to_string(::getpid()) + ".json";
  std::remove(json.c_str());
  EXPECT_EQ(run_exe("train --layers 2,1 --activation identity --loss mse --lr 1e200 --epochs 50 --json " + json, "", &out), 1);
  EXPECT_NE(out.find("step "), std::string::npos) << out;
  EXPECT_FALSE(std::ifstream(json).good());
}

TEST(Train, ReadsTheArticleCsvAndMatchesTheExperiment) {
  std::string out;
  ASSERT_EQ(run_exe(std::string("train --data ") + GRADAUDIT_DATA "/article_train.csv --layers 2,1 "
                    "--init-weight constant:0.01 --init-bias zeros --epochs 1000 --lr 0.01", "", &out), 0)
      << out;
  // The final loss of the double replay (regression/experiment_test.cpp checks it against
  // the exact value): printed with 17 digits.
  EXPECT_NE(out.find("final loss 0.28067546337068"), std::string::npos) << out;
}

}  // namespace

namespace {

TEST(Audit, WritesReportsAndFigures) {
  const std::string dir = testing::TempDir() + "gradaudit_audit_out_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::string out;
  ASSERT_EQ(run_exe("audit --only sigmoid.derivative.middle_step --cases 20 --markdown " + dir + "/R.md --json " + dir +
                        "/r.json --junit " + dir + "/j.xml --figures " + dir + "/fig",
                    "", &out),
            0)
      << out;
  const std::string md = read_file(dir + "/R.md"), js = read_file(dir + "/r.json"), xml = read_file(dir + "/j.xml");
  EXPECT_NE(md.find("### `sigmoid.derivative.middle_step` — **refuted**"), std::string::npos) << md;
  EXPECT_NE(md.find("## Figures"), std::string::npos);
  EXPECT_NE(js.find("\"verdict\": \"refuted\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"summary\": {\"claims\": 1"), std::string::npos) << js;
  EXPECT_NE(xml.find("<testcase"), std::string::npos) << xml;
  EXPECT_TRUE(std::filesystem::exists(dir + "/fig/gradients.dat"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/fig/figures.gp"));
}

TEST(Audit, UnwritableOutputFailsBeforeAnyClaim) {
  std::string out;
  EXPECT_EQ(run_exe("audit --json /no/such/dir/r.json", "", &out), 1);
  EXPECT_NE(out.find("cannot write /no/such/dir/r.json"), std::string::npos) << out;
  EXPECT_EQ(out.find("holds"), std::string::npos) << out;  // no claim ran
  EXPECT_EQ(run_exe("audit --markdown a.md --markdown b.md", "", &out), 2);
}

}  // namespace
