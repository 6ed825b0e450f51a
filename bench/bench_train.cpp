// Training benchmarks: the article's replayed experiment (10 000 x 2, one sigmoid unit, BCE,
// 1000 epochs, lr 0.01) and a 2-8-8-1 sigmoid network (300 epochs), as gradaudit train runs
// them; compare with PyTorch using bench/side_by_side.py.
#include "gradaudit/dataset.hpp"
#include "gradaudit/train.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace gradaudit;

void run(benchmark::State& state, std::vector<int> widths, int epochs, const char* init) {
  const auto data = article_data(10000, 1);
  train_options o;
  o.loss = loss_function::bce;
  o.learning_rate = 0.01;
  o.epochs = epochs;
  o.threads = static_cast<int>(state.range(0));
  o.record_history = true;  // as `gradaudit train` does (loss and diagnostics per step)
  for (auto _ : state) {
    auto net = network<double>::zeros(
        widths, std::vector<activation>(widths.size() - 1, activation::sigmoid));
    initialize(net, parse_initializer(init),
               parse_initializer(init == std::string("torch") ? "torch" : "zeros"), 1);
    auto r = train(net, data, o);
    benchmark::DoNotOptimize(r.final_loss);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(epochs) * 10000);
}

void experiment(benchmark::State& s) { run(s, {2, 1}, 1000, "constant:0.01"); }
void net_2881(benchmark::State& s) { run(s, {2, 8, 8, 1}, 300, "torch"); }

BENCHMARK(experiment)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(net_2881)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
