Console.Error.WriteLine("The load generator arrives with the node (issue: the department node).");
return 2;
