print("calsyncd")
