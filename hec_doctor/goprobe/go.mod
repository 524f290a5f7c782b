module hecdoctor/goprobe

go 1.27
