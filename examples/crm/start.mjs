// Starts OpenCCC and the example CRM; see README.md.
console.log('The example CRM is being written; see examples/crm/README.md.');
