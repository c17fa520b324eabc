// The command dispatcher is completed when the run command lands; until then the silo builds as a library host.
return 1;
