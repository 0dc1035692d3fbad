// Validates FHIR R4 resources with the npm package `fhir` (which checks code bindings, such as
// Patient.gender's value set, that the Python package does not). Reads a JSON array of
// resources on stdin; writes one {valid, messages} per resource, as a JSON array, on stdout.
"use strict";
const { Fhir } = require("fhir");

const fhir = new Fhir();
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const resources = JSON.parse(input);
  const results = resources.map((resource) => fhir.validate(resource, {}));
  process.stdout.write(JSON.stringify(results));
});
