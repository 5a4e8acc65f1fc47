return await Emx2Hpc.Emulator.EmulatorProgram.RunAsync(args, Console.Out, Console.Error);
