// Prints "passed failed pending total" of a mocha JSON report (issue #15 point 9), and with
// --failures the title and first message line of each failed test.
'use strict';
const fs = require('fs');
const [file, flag] = process.argv.slice(2);
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch(e) {
  console.log('0 0 0 0 unreadable-report');
  process.exit(0);
}
const s = r.stats || {};
if(flag === '--failures') {
  for(const t of r.failures || []) {
    const msg = ((t.err && t.err.message) || '').split('\n')[0].slice(0, 200);
    console.log(`- ${t.fullTitle}: ${msg}`);
  }
} else {
  const total = (s.passes || 0) + (s.failures || 0) + (s.pending || 0);
  console.log(`${s.passes || 0} ${s.failures || 0} ${s.pending || 0} ${total}`);
}
