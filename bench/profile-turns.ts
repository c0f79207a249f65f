import { botflowConversation, xstateConversation } from './conversation.js';

/** Runs one side's conversations for a while, for `node --cpu-prof`. */
const which = process.argv[2] === 'xstate' ? xstateConversation() : botflowConversation();
const until = Date.now() + 4000;
let count = 0;
while (Date.now() < until) {
  await which.run();
  count++;
}
console.log(`${count} conversations`);
