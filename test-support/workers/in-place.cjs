// A project JavaScript file: bundles must require it where it is (it reports its own folder).
module.exports = { dirname: __dirname };
