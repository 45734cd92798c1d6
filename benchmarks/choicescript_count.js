// Runs ChoiceScript's randomtest.js unchanged (from the current directory, a ChoiceScript
// checkout) and prints one JSON line: the choices it took and the time it took to take them.
//
//   node choicescript_count.js num=100 game=syn seed=0 showCoverage=false avoidUsedOptions=false
//
// randomtest logs one line per choice ("<scene> *choice ..."): they are counted here instead of
// written out, so that the figure does not include writing them to a pipe. The first
// playthrough is left out (it parses the scene), as benchmarks/run.py leaves out our first
// game: the clock starts at randomtest's second "*****Seed" line, and stops at
// "RANDOMTEST PASSED"; only the choices in between are counted.
"use strict";
global.require = require;
var out = process.stdout;
var choices = 0, seeds = 0, started = null, cpuStart = null, result = null;
console.log = function (msg) {
  var text = String(msg);
  if (text.indexOf(" *choice ") !== -1) {
    if (started !== null) choices++;
  } else if (text.lastIndexOf("*****Seed", 0) === 0) {
    seeds++;
    if (seeds === 2) {
      started = process.hrtime.bigint();
      cpuStart = process.cpuUsage();
    }
  } else if (text === "RANDOMTEST PASSED" && started !== null) {
    var cpu = process.cpuUsage(cpuStart);
    result = {
      choices: choices,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
    };
  } else if (text.lastIndexOf("Time: ", 0) !== 0) {
    out.write(text + "\n");
  }
};
require("vm").runInThisContext(require("fs").readFileSync("randomtest.js"), "randomtest.js");
if (result === null) {
  process.exitCode = 1;
} else {
  out.write(JSON.stringify(result) + "\n");
}
