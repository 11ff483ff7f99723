// Starts the tslab kernel at the repository root, so that notebook cells import `./lib/...`
// whichever folder the notebook sits in (tslab compiles cells with rootDir = the working directory).
// Jupyter finds this kernelspec through JUPYTER_PATH (scripts/lab.js and scripts/run-notebooks.js set it).
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
process.chdir(root);
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
