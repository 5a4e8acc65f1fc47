System.CommandLine.RootCommand r = new("x"); return 0;
