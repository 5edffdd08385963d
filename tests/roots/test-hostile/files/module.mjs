window.pwned = "script file";
