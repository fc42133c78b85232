print("calsyncctl")
